package dev.zmkagent.coredump.cortexm;

import java.util.Optional;

/**
 * EXC_RETURN: the magic value the core puts in lr on exception entry (ARMv7-M). Bit 2 selects the stack the
 * frame was pushed on (1 = PSP), bit 3 the mode returned to (1 = thread), bit 4 clear means an extended frame with
 * FPU state (26 words instead of 8).
 */
public record ExcReturn(long value) {
    public static Optional<ExcReturn> of(long lr) {
        long v = lr & 0xFFFF_FFFFL;
        if ((v & 0xFFFF_FF00L) != 0xFFFF_FF00L) {
            return Optional.empty();
        }
        int low = (int) (v & 0xFF);
        switch (low) {
            case 0xF1: case 0xF9: case 0xFD: case 0xE1: case 0xE9: case 0xED:
                return Optional.of(new ExcReturn(v));
            default:
                return Optional.empty();
        }
    }

    public boolean usesProcessStack() {
        return (value & 0x4) != 0;
    }

    public boolean returnsToThreadMode() {
        return (value & 0x8) != 0;
    }

    public boolean extendedFrame() {
        return (value & 0x10) == 0;
    }

    /** Words of the hardware-stacked frame. */
    public int frameWords() {
        return extendedFrame() ? 26 : 8;
    }

    public String describe() {
        return String.format("EXC_RETURN 0x%08x: return to %s using %s, %s", value,
                returnsToThreadMode() ? "thread mode" : "handler mode",
                usesProcessStack() ? "the process stack (PSP)" : "the main stack (MSP)",
                extendedFrame() ? "extended frame with FPU state (104 bytes)" : "basic frame (32 bytes)");
    }
}
