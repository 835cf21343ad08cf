package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.uf2.FlashImage;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A recognised input. Flash-shaped inputs (UF2, raw image) carry a {@link FlashImage} to search for the partition;
 * a partition image carries the partition; a stream or log carries the 'ZE' stream directly.
 */
public record DumpInput(
        InputKind kind,
        String path,
        String description,
        Optional<FlashImage> flash,
        Optional<ByteView> partition,
        Optional<ByteView> stream,
        OptionalLong base,
        Optional<Board> board,
        Optional<BootloaderWindow> window,
        List<String> notes) {
}
