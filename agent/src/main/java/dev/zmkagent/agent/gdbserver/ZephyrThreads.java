package dev.zmkagent.agent.gdbserver;

import dev.zmkagent.coredump.cortexm.ArmArchitecture;
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
import dev.zmkagent.coredump.unwind.FaultContext;
import dev.zmkagent.coredump.unwind.Frame;
import dev.zmkagent.coredump.unwind.FrameKind;
import dev.zmkagent.coredump.unwind.RegisterSet;
import dev.zmkagent.coredump.unwind.StackLimitRecovery;
import dev.zmkagent.coredump.unwind.ThreadLister;
import dev.zmkagent.coredump.unwind.UnwindOptions;
import dev.zmkagent.coredump.unwind.Unwinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The threads gdb sees for a Zephyr dump with its ELF. Thread 1 is the context that faulted, with the registers the
 * unwinder's {@link FaultContext} recovers from the arch block (which sp Zephyr stored, FP frame or not); with
 * {@code CONFIG_DEBUG_THREAD_INFO} every other kernel thread follows, with the registers of its saved context (the
 * frame stacked at its psp, r4–r11 from callee_saved). Without the ELF only the faulting context is known.
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
        if (dump.arch().isEmpty() || elf.isEmpty()) {
            return new FaultingThreadOnly(dump.arch(), memory);
        }
        ArchBlock a = dump.arch().get();
        Unwinder unwinder = Unwinder.forElf(elf.get(), DebugInfo.forElf(elf.get()));
        UnwindOptions options = UnwindOptions.defaults().withDumpTruncated(dump.truncated()).withOutermostFunctions(Set.of("z_thread_entry"));
        List<ThreadLister.ThreadEntry> listed = ThreadLister.list(elf.get(), unwinder, memory, dump.threadsMetadata().orElse(null), options);

        Optional<ThreadLister.ThreadEntry> current = listed.stream().filter(ThreadLister.ThreadEntry::current).findFirst();
        if (current.isPresent() && current.get().stack().isPresent()) {
            options = options.withInterruptedThreadStack(current.get().stack().get());
        }
        options = options.withRaisedBySvc(UnwindOptions.svcRaisedReason(dump.reason()));
        FaultContext.Resolved resolved = FaultContext.forDump(dump, memory, unwinder, options);
        RegisterSet start = resolved.registers();
        int ipsr = (int) (a.xpsr() & 0x1FF);
        String mode = ipsr == 0 ? "thread mode" : ipsr >= 16 ? "in interrupt handler IRQ " + (ipsr - 16) : "in exception handler " + ipsr;
        String crashed = "faulted here, " + mode + (a.known(4) ? "" : ", r4-r11 not recorded");
        Optional<StackLimitRecovery.Result> overflow = StackLimitRecovery.forCrash(dump.reason(), ArmArchitecture.of(elf.get()), resolved,
                unwinder.unwind(memory, start, options), current.flatMap(ThreadLister.ThreadEntry::stack), unwinder, memory, options);
        if (overflow.isPresent()) {
            // The core stacked nothing: the dump's registers are the stack bottom's bytes. Serve what the stack proves:
            // the overflowing function's caller, at the return address it saved (its own pc was never saved).
            start = overflow.get().caller();
            ipsr = 0;
            crashed = String.format("overflowed the stack limit in %s (its pc was never saved); registers of its caller, rebuilt from the stack",
                    overflow.get().overflowing());
        }
        List<GdbThread> out = new ArrayList<>();
        // gdb unwinds by itself from the registers it is served: give it what our unwinder established, so that it
        // sees every frame our report shows (never a value nobody proved).
        Backtrace bt = unwinder.unwind(memory, start, options);
        RegisterSet first = toGdb(start, ipsr);
        for (int r = 0; r < RegisterSet.COUNT; r++) {
            if (!first.has(r) && bt.establishedAtStart().has(r)) {
                first = first.with(r, bt.establishedAtStart().value(r));
                crashed += ", " + RegisterSet.name(r) + " from the call-frame information";
            }
        }
        Optional<Frame> frame0 = bt.frames().stream().filter(f -> f.pc().isPresent()).findFirst();
        if (frame0.isPresent() && start.has(RegisterSet.PC) && frame0.get().pc().getAsLong() != start.value(RegisterSet.PC)) {
            // k_oops/k_panic/__ASSERT: the stacked pc is the instruction after the svc; the frame is the svc itself
            first = first.with(RegisterSet.PC, frame0.get().pc().getAsLong());
            crashed += String.format(", pc is the svc that raised it (stacked pc 0x%08x)", start.value(RegisterSet.PC));
        }
        if (ipsr != 0 && !first.has(RegisterSet.PSP)) {
            // A fault in a handler: gdb needs psp to cross into the interrupted thread. Zephyr does not record it; the
            // unwinder finds the thread's stacked frame (searching the current thread's stack), and psp is its address.
            OptionalLong psp = processStackFrame(bt);
            if (psp.isPresent()) {
                first = first.with(RegisterSet.PSP, psp.getAsLong());
                crashed += ", psp found by searching the thread's stack";
            }
        }
        out.add(new GdbThread(1, current.map(t -> label(t)).orElse("crashed"), crashed, first));
        for (ThreadLister.ThreadEntry t : listed) {
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
        return t.name().isEmpty() ? String.format("thread 0x%08x", t.address()) : t.name();
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
