package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.memory.Memory;
import java.util.OptionalLong;

/**
 * ARMv7-M exception entry and return (ARMv7-M ARM B1.5.6–B1.5.8): EXC_RETURN values, the hardware-stacked frame
 * (r0, r1, r2, r3, r12, lr, pc, xpsr; plus s0–s15, fpscr and a reserved word when the FP context was stacked), the
 * stack-alignment pad flagged by xPSR bit 9, and the choice between main and process stack (EXC_RETURN bit 2).
 */
public final class ExceptionFrames {
    public static final int BASIC_FRAME_BYTES = 32;
    public static final int EXTENDED_FRAME_BYTES = 104;
    private static final long XPSR_STACK_ALIGN = 1L << 9;

    private ExceptionFrames() {
    }

    /** True for the EXC_RETURN values an ARMv7-M core puts in lr on exception entry. */
    public static boolean isExcReturn(long value) {
        long v = value & 0xFFFF_FFFFL;
        return v == 0xFFFF_FFF1L || v == 0xFFFF_FFF9L || v == 0xFFFF_FFFDL
                || v == 0xFFFF_FFE1L || v == 0xFFFF_FFE9L || v == 0xFFFF_FFEDL;
    }

    /** Bit 2: the interrupted context's frame is on the process stack (psp). */
    public static boolean usesProcessStack(long excReturn) {
        return (excReturn & 0x4) != 0;
    }

    /** Bit 4 clear: the FP extended frame (26 words) was stacked. */
    public static boolean isExtended(long excReturn) {
        return (excReturn & 0x10) == 0;
    }

    /** Bit 3: the interrupted context was in Thread mode. */
    public static boolean returnsToThread(long excReturn) {
        return (excReturn & 0x8) != 0;
    }

    public static String describe(long excReturn) {
        return String.format("EXC_RETURN 0x%08x: return to %s mode, %s stack, %s frame", excReturn & 0xFFFF_FFFFL,
                returnsToThread(excReturn) ? "Thread" : "Handler", usesProcessStack(excReturn) ? "process" : "main",
                isExtended(excReturn) ? "FP extended (104-byte)" : "basic (32-byte)");
    }

    /** Where the interrupted context's sp was before the core stacked a frame at {@code frameAddress}. */
    public static long preExceptionSp(long frameAddress, boolean extended, long stackedXpsr) {
        long sp = frameAddress + (extended ? EXTENDED_FRAME_BYTES : BASIC_FRAME_BYTES);
        if ((stackedXpsr & XPSR_STACK_ALIGN) != 0) {
            sp += 4;
        }
        return sp & 0xFFFF_FFFFL;
    }

    /**
     * The interrupted context's registers, read from the frame the core stacked at {@code frameAddress}.
     * r4–r11 (which the core does not stack) are taken from {@code handlerContext}; sp is the pre-exception sp.
     */
    static RegisterSet pop(Memory memory, long frameAddress, boolean extended, RegisterSet handlerContext,
                           boolean dumpTruncated) throws UnwindStop {
        int[] order = {0, 1, 2, 3, 12, RegisterSet.LR, RegisterSet.PC, RegisterSet.XPSR};
        RegisterSet r = handlerContext;
        for (int reg : new int[] {0, 1, 2, 3, 12, RegisterSet.LR, RegisterSet.PC, RegisterSet.XPSR, RegisterSet.SP}) {
            r = r.without(reg);
        }
        long[] words = new long[8];
        for (int i = 0; i < 8; i++) {
            long addr = frameAddress + 4L * i;
            OptionalLong w = memory.u32(addr);
            if (w.isEmpty()) {
                throw new UnwindStop(StopReason.Kind.MEMORY_NOT_DUMPED, String.format(
                        "the exception frame at 0x%08x needs the word at 0x%08x (stacked %s), which is not in the dump%s",
                        frameAddress, addr, RegisterSet.name(order[i]), dumpTruncated ? " (the dump was truncated)" : ""));
            }
            words[i] = w.getAsLong();
            r = r.with(order[i], words[i]);
        }
        r = r.with(RegisterSet.PC, words[6] & ~1L);
        return r.with(RegisterSet.SP, preExceptionSp(frameAddress, extended, words[7]));
    }

    /** True when the 8 words at {@code frameAddress} equal r0, r1, r2, r3, r12, lr, pc, xpsr of {@code regs}. */
    public static boolean frameMatches(Memory memory, long frameAddress, RegisterSet regs) {
        int[] order = {0, 1, 2, 3, 12, RegisterSet.LR, RegisterSet.PC, RegisterSet.XPSR};
        for (int i = 0; i < 8; i++) {
            if (!regs.has(order[i])) {
                return false;
            }
            OptionalLong w = memory.u32(frameAddress + 4L * i);
            if (w.isEmpty() || w.getAsLong() != regs.value(order[i])) {
                return false;
            }
        }
        return true;
    }
}
