package dev.zmkagent.device.info;

import dev.zmkagent.device.boards.Board;
import java.util.List;
import java.util.Optional;

/** Which catalog board a device is, the evidence for it, and anything that disagrees. */
public record Identification(Optional<Board> board, List<String> evidence, List<String> conflicts) {
    public static Identification unknown(List<String> conflicts) {
        return new Identification(Optional.empty(), List.of(), List.copyOf(conflicts));
    }
}
