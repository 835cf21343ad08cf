package dev.zmkagent.device.flash;

import java.util.List;

/** Flashing was refused before anything was written; the message is the first refusal, one line. */
public final class FlashRefusedException extends RuntimeException {
    private final List<Refusal> refusals;

    public FlashRefusedException(List<Refusal> refusals) {
        super(refusals.get(0).message());
        this.refusals = List.copyOf(refusals);
    }

    public List<Refusal> refusals() {
        return refusals;
    }
}
