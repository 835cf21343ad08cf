package dev.zmkagent.agent.gdbserver;

import dev.zmkagent.agent.analyze.CrashContext;
import dev.zmkagent.coredump.cortexm.FaultStatus;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.gdb.FaultingThreadOnly;
import dev.zmkagent.coredump.gdb.GdbThread;
import dev.zmkagent.coredump.gdb.ThreadSource;
import dev.zmkagent.coredump.memory.Memory;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.unwind.Backtrace;
import dev.zmkagent.coredump.unwind.ExceptionFrames;
import dev.zmkagent.coredump.unwind.Frame;
import dev.zmkagent.coredump.unwind.FrameKind;
import dev.zmkagent.coredump.unwind.RegisterSet;
import dev.zmkagent.coredump.unwind.ThreadLister;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The threads gdb sees for a Zephyr dump with its ELF, all taken from the report's {@link CrashContext} (one
 * computation for {@code analyze} and the server: nothing is unwound here).
 *
 * <p>What gdb is served, and why: gdb unwinds by itself, from the registers of each thread's innermost frame, with
 * the ELF's call-frame information. So we serve registers, never frames, and only values the context proves:
 * <ul>
 *   <li>Thread 1, the context that faulted: the registers {@link CrashContext.Crashed#innermost} of the frame the
 *       report's backtrace starts from (the arch block's stacked registers with the sp {@code FaultContext} found;
 *       pc at the svc for k_oops/k_panic/__ASSERT, since gdb would otherwise name the function after it; after a
 *       stack-limit overflow the overflowing function's caller rebuilt from the stack, since the function's own pc
 *       was never saved and no register set can put gdb in it). sp goes to psp in thread mode, msp in a handler.
 *       Registers the dump lacks (r4-r11 without EXTRA_EXCEPTION_INFO) are added only where the report's own walk
 *       established them ({@link CrashContext.Crashed#established}: a frame pointer the CFI determines), so that
 *       gdb crosses the same frames. For a fault in a handler, psp is the address of the interrupted thread's
 *       stacked frame that the report's walk found (Zephyr does not record psp; without it gdb stops at the
 *       boundary).</li>
 *   <li>Every switched-out thread (CONFIG_DEBUG_THREAD_INFO or a DWARF thread layout): the registers of its saved
 *       context as the report unwound it (the frame stacked at its psp, r4-r11 from callee_saved), plus msp when the
 *       fault gave it (one main stack per core).</li>
 * </ul>
 * What gdb cannot be served: frames without registers of their own (tail-call frames placed from the thread's
 * entry, a function whose pc was never saved) and guesses from a stack scan; the report shows them, gdb does not.
 * Without the ELF, or with an arch block missing some of the nine basic registers, thread 1 holds exactly the
 * registers the block stored ({@link FaultingThreadOnly}).
 */
final class ZephyrThreads implements ThreadSource {
    private final List<GdbThread> threads;

    private ZephyrThreads(List<GdbThread> threads) {
        this.threads = List.copyOf(threads);
    }

    @Override
    public List<GdbThread> threads() {
        return threads;
    }

    static ThreadSource of(ZephyrDump dump, Optional<ElfFile> elf, RegionMemory memory) {
        if (elf.isEmpty()) {
            return new FaultingThreadOnly(dump.arch(), memory);
        }
        return of(CrashContext.of(dump, elf.get(), DebugInfo.forElf(elf.get()), memory, FaultStatus.from(memory)), dump, memory);
    }

    static ThreadSource of(CrashContext context, ZephyrDump dump, Memory memory) {
        List<GdbThread> out = new ArrayList<>();
        String name = context.current().map(ZephyrThreads::label).orElse("crashed");
        RegisterSet first;
        if (context.crashed().isPresent()) {
            CrashContext.Crashed crashed = context.crashed().get();
            StringBuilder info = new StringBuilder();
            first = crashedRegisters(crashed, info, dump.arch().get());
            out.add(new GdbThread(1, name, info.toString(), first));
        } else {
            // no arch block, or one without all nine basic registers: nothing was unwound, so exactly what it stored
            GdbThread stored = new FaultingThreadOnly(dump.arch(), memory).threads().get(0);
            first = stored.registers();
            out.add(new GdbThread(1, name, stored.extraInfo(), first));
        }
        for (ThreadLister.ThreadEntry t : context.threads()) {
            if (t.current()) {
                continue;
            }
            RegisterSet regs = RegisterSet.empty();
            Optional<Frame> top = t.backtrace().map(Backtrace::frames).filter(f -> !f.isEmpty()).map(f -> f.get(0));
            if (top.isPresent()) {
                regs = toGdb(top.get().registers(), 0);
                if (first.has(RegisterSet.MSP)) {
                    // One main stack per core, not per thread: its value at the fault holds for every thread.
                    regs = regs.with(RegisterSet.MSP, first.value(RegisterSet.MSP));
                }
            }
            StringBuilder info = new StringBuilder("switched out");
            t.stateText().ifPresentOrElse(st -> info.append(", ").append(st), () -> t.state().ifPresent(s -> info.append(String.format(", state 0x%x", s))));
            t.priority().ifPresent(p -> info.append(", prio ").append(p));
            if (top.isEmpty()) {
                info.append(", saved context not in the dump");
            }
            out.add(new GdbThread(out.size() + 1, label(t), info.toString(), regs));
        }
        return new ZephyrThreads(out);
    }

    /** Thread 1's registers (see the class comment), and in {@code info} how each unusual one was found. */
    static RegisterSet crashedRegisters(CrashContext.Crashed crashed, StringBuilder info, ArchBlock a) {
        int ipsr = crashed.ipsr();
        if (crashed.stackLimit().isPresent()) {
            info.append(String.format("overflowed the stack limit in %s (its pc was never saved); registers of its caller, rebuilt from the stack",
                    crashed.stackLimit().get().overflowing()));
        } else {
            String mode = ipsr == 0 ? "thread mode" : ipsr >= 16 ? "in interrupt handler IRQ " + (ipsr - 16) : "in exception handler " + ipsr;
            info.append("faulted here, ").append(mode).append(a.known(4) ? "" : ", r4-r11 not recorded");
        }
        RegisterSet regs = toGdb(crashed.innermost(), ipsr);
        for (int r = 0; r < RegisterSet.COUNT; r++) {
            if (!regs.has(r) && crashed.established().has(r)) {
                regs = regs.with(r, crashed.established().value(r));
                info.append(", ").append(RegisterSet.name(r)).append(" from the call-frame information");
            }
        }
        if (crashed.pcIsSvc()) {
            info.append(String.format(", pc is the svc that raised it (stacked pc 0x%08x)", crashed.start().registers().value(RegisterSet.PC)));
        }
        if (ipsr != 0 && !regs.has(RegisterSet.PSP)) {
            // A fault in a handler: gdb needs psp to cross into the interrupted thread. Zephyr does not record it; the
            // report's walk found the thread's stacked frame (searching the current thread's stack), and psp is its address.
            OptionalLong psp = processStackFrame(crashed.backtrace());
            if (psp.isPresent()) {
                regs = regs.with(RegisterSet.PSP, psp.getAsLong());
                info.append(", psp found by searching the thread's stack");
            }
        }
        return regs;
    }

    private static OptionalLong processStackFrame(Backtrace bt) {
        for (Frame f : bt.frames()) {
            if (f.kind() == FrameKind.EXCEPTION && f.registers().has(RegisterSet.LR) && f.cfa().isPresent()
                    && ExceptionFrames.usesProcessStack(f.registers().value(RegisterSet.LR))) {
                return f.cfa();
            }
        }
        return OptionalLong.empty();
    }

    private static String label(ThreadLister.ThreadEntry t) {
        return t.label();
    }


    /** Same numbering on both sides (r0–r12, sp, lr, pc, xpsr, msp, psp); sp is psp in thread mode, msp in a handler. */
    static RegisterSet toGdb(RegisterSet regs, int ipsr) {
        if (!regs.has(RegisterSet.SP)) {
            return regs;
        }
        int stack = ipsr == 0 ? RegisterSet.PSP : RegisterSet.MSP;
        return regs.has(stack) ? regs : regs.with(stack, regs.value(RegisterSet.SP));
    }
}
