package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.unwind.RegisterSet;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.memory.Memory;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One thread, id 1: the context the fault interrupted, with the registers of the dump's architecture block.
 *
 * <p>The block holds the registers the core stacked (r0–r3, r12, lr, pc, xpsr), r4–r11 only when Zephyr collected
 * them, and an sp that older Zephyr (3.5) set to the address of the exception frame and newer Zephyr (4.1) to the sp
 * before the exception. gdb needs the latter: when the 8 words at sp are the stacked registers, sp is the frame
 * address and the pre-exception sp is 32 bytes above it (plus 4 when xPSR bit 9 says the core aligned the stack;
 * the FP extended frame cannot be told apart without EXC_RETURN and is not assumed). An sp of 0 is unknown.
 *
 * <p>msp/psp: Zephyr runs every thread on the process stack (reset code switches to psp before the kernel starts),
 * so with IPSR = 0 (thread mode) sp is psp; in handler mode sp is msp. The other one is not recorded.
 */
public final class FaultingThreadOnly implements ThreadSource {
    private final GdbThread thread;

    public FaultingThreadOnly(Optional<ArchBlock> arch, Memory memory) {
        this.thread = arch.map(a -> fromArch(a, memory))
                .orElse(new GdbThread(1, "faulting context", "the dump has no register block: registers unknown", RegisterSet.empty()));
    }

    @Override
    public List<GdbThread> threads() {
        return List.of(thread);
    }

    static GdbThread fromArch(ArchBlock a, Memory memory) {
        RegisterSet regs = RegisterSet.empty();
        for (int r = 0; r <= RegisterSet.XPSR; r++) {
            if (r != RegisterSet.SP && a.known(r)) {
                regs = regs.with(r, a.r(r));
            }
        }
        long xpsr = a.xpsr() & 0xFFFF_FFFFL;
        OptionalLong sp = interruptedSp(a, memory);
        if (sp.isPresent()) {
            regs = regs.with(RegisterSet.SP, sp.getAsLong());
        }
        int ipsr = (int) (xpsr & 0x1FF);
        if (sp.isPresent()) {
            regs = regs.with(ipsr == 0 ? RegisterSet.PSP : RegisterSet.MSP, sp.getAsLong());
        }
        StringBuilder info = new StringBuilder("faulted here");
        if (ipsr == 0) {
            info.append(", thread mode");
        } else if (ipsr >= 16) {
            info.append(", in interrupt handler IRQ ").append(ipsr - 16);
        } else {
            info.append(", in exception handler ").append(ipsr);
        }
        if (!a.known(4)) {
            info.append(", r4-r11 not recorded");
        }
        return new GdbThread(1, "crashed", info.toString(), regs);
    }

    private static OptionalLong interruptedSp(ArchBlock a, Memory memory) {
        long sp = a.sp() & 0xFFFF_FFFFL;
        if (sp == 0) {
            return OptionalLong.empty();
        }
        int[] stackedOrder = {0, 1, 2, 3, 12, ArchBlock.LR, ArchBlock.PC, ArchBlock.XPSR};
        byte[] frame = new byte[32];
        if (memory.read(sp, frame, 0, 32)) {
            boolean match = true;
            for (int i = 0; i < 8 && match; i++) {
                long w = (frame[4 * i] & 0xFFL) | (frame[4 * i + 1] & 0xFFL) << 8 | (frame[4 * i + 2] & 0xFFL) << 16 | (frame[4 * i + 3] & 0xFFL) << 24;
                match = w == (a.r(stackedOrder[i]) & 0xFFFF_FFFFL);
            }
            if (match) {
                return OptionalLong.of(sp + 32 + ((a.xpsr() & (1 << 9)) != 0 ? 4 : 0));
            }
        }
        return OptionalLong.of(sp);
    }
}
