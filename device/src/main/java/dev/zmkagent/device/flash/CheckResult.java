package dev.zmkagent.device.flash;

import dev.zmkagent.device.boards.Board;
import java.util.List;
import java.util.Optional;

/**
 * The verdict on one firmware for one bootloader: refusals (any one stops the flash), warnings, and the layout the
 * checks saw.
 *
 * @param firstAddress lowest flash address the bootloader will write
 * @param endAddress   one past the highest
 * @param blocks       blocks the bootloader will count
 */
public record CheckResult(List<Refusal> refusals, List<String> warnings, long firstAddress, long endAddress, int blocks,
                          Optional<Board.Variant> variant) {
    public boolean ok() {
        return refusals.isEmpty();
    }

    public void throwIfRefused() {
        if (!refusals.isEmpty()) {
            throw new FlashRefusedException(refusals);
        }
    }
}
