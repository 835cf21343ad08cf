package dev.zmkagent.device.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zmkagent.coredump.format.DumpBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The words flash uses for what a partition holds. */
class PreFlashCaptureTest {
    private static final byte[] STREAM = DumpBuilder.stream(2, 25).archV2(1, 2, 3, 4, 5, 6, 0x26254, 0x01000000, 0x2000ff00L)
            .memory(0x2000fe00L, DumpBuilder.filled(0x200, 0xAA)).build();

    @Test
    void eachConditionIsNamedPrecisely() {
        assertEquals(Optional.of(PendingDump.COMPLETE), PreFlashCapture.judge(DumpBuilder.partition(STREAM)));
        assertEquals(Optional.of("truncated (checksum mismatch)"),
                PreFlashCapture.judge(DumpBuilder.partition(STREAM, STREAM.length - 0x100, 0x1234, 0, 0x10000)));
        assertEquals(Optional.of("corrupt (checksum mismatch)"), PreFlashCapture.judge(DumpBuilder.partition(STREAM, STREAM.length, 0x1234, 0, 0x10000)));
        assertEquals(Optional.empty(), PreFlashCapture.judge(DumpBuilder.filled(0x10000, 0xFF)));
    }
}
