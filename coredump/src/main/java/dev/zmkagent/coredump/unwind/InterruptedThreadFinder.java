package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.Memory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Beyond gdb: after unwinding an interrupt handler that ran on the main stack, the interrupted thread's frame sits at
 * the psp the dump did not record. We look for it on the thread's stack: 8-byte aligned 8-word groups whose stacked
 * xPSR is Thumb in Thread mode (IPSR 0), whose pc is code and whose lr is a Thumb code address or 0.
 *
 * <p>The live part of a thread stack is above its psp and holds no hardware frames; stale frames of earlier
 * interrupts lie below it. So candidates are returned highest address first, and the caller takes the highest one
 * that unwinds cleanly.
 */
final class InterruptedThreadFinder {
    private InterruptedThreadFinder() {
    }

    static List<Long> candidates(Memory memory, CodeReader code, AddressRange stack) {
        List<Long> out = new ArrayList<>();
        long top = (stack.end() - ExceptionFrames.BASIC_FRAME_BYTES) & ~7L;
        for (long a = top; a >= stack.start(); a -= 8) {
            OptionalLong xpsr = memory.u32(a + 28);
            OptionalLong pc = memory.u32(a + 24);
            OptionalLong lr = memory.u32(a + 20);
            if (xpsr.isEmpty() || pc.isEmpty() || lr.isEmpty()) {
                continue;
            }
            long x = xpsr.getAsLong();
            if ((x & (1L << 24)) == 0 || (x & 0x1FF) != 0 || (x & 0x00F0_FC00L & ~0x0000_0200L) != 0) {
                continue;
            }
            long p = pc.getAsLong();
            if ((p & 1) != 0 || !code.isCode(p)) {
                continue;
            }
            long l = lr.getAsLong();
            if (l != 0 && ((l & 1) == 0 || !code.isCode(l & ~1L)) && !ExceptionFrames.isExcReturn(l)) {
                continue;
            }
            out.add(a);
        }
        return out;
    }
}
