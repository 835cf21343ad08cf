package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.cortexm.ArmArchitecture;
import dev.zmkagent.coredump.cortexm.FaultReason;
import dev.zmkagent.coredump.cortexm.FaultStatus;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.Memory;
import dev.zmkagent.coredump.symbols.Symbolizer;
import dev.zmkagent.coredump.unwind.Backtrace;
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
import java.util.Set;

/**
 * The crash of one dump with its ELF, worked out once, for every consumer: the report ({@code analyze}, through
 * {@link CrashBacktrace}) and the gdbserver (which serves {@link #crashed()}'s registers and the threads' saved
 * contexts). A fidelity fix to how the crashed context is found (the sp Zephyr stored, the FP frame, the svc of
 * k_oops, a stack-limit overflow the core stacked nothing for, the thread's entry for tail calls) is made here and
 * shows in both.
 *
 * <p>Steps, in order: the thread list (each switched-out thread unwound from its saved context); the crashed
 * context's registers from the arch block ({@link FaultContext}), searching the current thread's stack for a frame
 * the core stacked when a handler faulted; its backtrace; and, when the Armv8-M stack limit stopped the thread before
 * the core could stack anything, the chain rebuilt from the stack ({@link StackLimitRecovery}), which then replaces
 * the walk from the dump's registers (those registers were not the context).
 */
public final class CrashContext {
    /**
     * Where every Zephyr thread context starts (lib/os/thread_entry.c), for the report's backtraces and for every
     * thread the gdbserver lists. gdb's "main" rule does not apply: main() runs in a thread (bg_thread_main ->
     * z_thread_entry), and a frame beyond z_thread_entry does not exist.
     */
    public static final Set<String> OUTERMOST = Set.of("z_thread_entry");

    /**
     * The context that faulted.
     *
     * @param start       its registers as {@link FaultContext} read them from the arch block (stacked pc, not the svc's)
     * @param backtrace   the report's backtrace: a leading fault frame (a label, no registers), then the frames; after
     *                    a stack-limit overflow the rebuilt chain (frame 0 without a pc, then RECOVERED callers)
     * @param stackLimit  the overflow the stack limit stopped, when the core could not stack the exception frame
     * @param innermost   the registers of the innermost frame that has any, i.e. where the shown chain starts from:
     *                    {@code start} with pc at the svc for an svc-raised error, or the rebuilt caller of the
     *                    function that overflowed (its own pc was never saved)
     * @param ipsr        the exception number the context ran in (0: thread mode), from the stacked xPSR; 0 for the
     *                    rebuilt caller of an overflow (a thread's function)
     * @param stackLimitRefused true when the core could not stack the exception frame at the stack limit and the callers
     *                    could not be rebuilt: the backtrace's notes say why, with the stack-size advice
     */
    public record Crashed(FaultContext.Resolved start, Backtrace backtrace, Optional<StackLimitRecovery.Result> stackLimit,
                          RegisterSet innermost, int ipsr, boolean stackLimitRefused) {
        /**
         * Registers of the innermost frame that the unwind proved on the way although the dump did not hold them (a
         * frame pointer that some frame's call-frame information determines, in a register no frame in between
         * changed): values of the same context, found from the same walk the report shows.
         */
        public RegisterSet established() {
            return backtrace.establishedAtStart();
        }

        /** True when the shown chain starts at the svc before the stacked pc (k_oops, k_panic, __ASSERT). */
        public boolean pcIsSvc() {
            return stackLimit.isEmpty() && start.registers().has(RegisterSet.PC)
                    && innermost.value(RegisterSet.PC) != start.registers().value(RegisterSet.PC);
        }
    }

    private final Unwinder unwinder;
    private final List<ThreadLister.ThreadEntry> threads;
    private final Optional<Crashed> crashed;

    private CrashContext(Unwinder unwinder, List<ThreadLister.ThreadEntry> threads, Optional<Crashed> crashed) {
        this.unwinder = unwinder;
        this.threads = List.copyOf(threads);
        this.crashed = crashed;
    }

    /**
     * The crash context of {@code dump}, read with {@code elf} (call-frame information, symbols, thread layout) and
     * {@code symbolizer}. The threads are listed whenever the ELF describes them; the crashed context is unwound only
     * when the arch block holds all nine basic registers: from fewer, no register that is missing may be assumed.
     */
    public static CrashContext of(ZephyrDump dump, ElfFile elf, Symbolizer symbolizer, Memory memory, Optional<FaultStatus> faultStatus) {
        Unwinder unwinder = Unwinder.forElf(elf, symbolizer);
        UnwindOptions options = UnwindOptions.defaults().withDumpTruncated(dump.truncated()).withOutermostFunctions(OUTERMOST);
        List<ThreadLister.ThreadEntry> threads = ThreadLister.list(elf, unwinder, memory, dump.threadsMetadata().orElse(null), options);
        if (dump.arch().isEmpty() || !dump.arch().get().basicComplete()) {
            return new CrashContext(unwinder, threads, Optional.empty());
        }
        ArchBlock a = dump.arch().get();
        Optional<ThreadLister.ThreadEntry> current = threads.stream().filter(ThreadLister.ThreadEntry::current).findFirst();
        UnwindOptions crash = options;
        if (current.isPresent()) {
            if (current.get().stack().isPresent()) {
                // a fault in a handler: the interrupted thread's stacked frame is searched for on its stack
                crash = crash.withInterruptedThreadStack(current.get().stack().get());
            }
            // the function z_thread_entry called through a pointer: where tail calls from it erased frames, they start there
            crash = crash.withThreadEntry(current.get().entry());
        }
        // k_oops/k_panic/__ASSERT stop at an svc: the first frame is looked up at the svc (pc-2), not at the next function
        crash = crash.withRaisedBySvc(UnwindOptions.svcRaisedReason(dump.reason()));
        FaultContext.Resolved start = FaultContext.forDump(dump, memory, unwinder, crash);
        Backtrace bt = unwinder.unwind(memory, start.registers(), crash.withLeadingException(faultLabel(dump.reason(), faultStatus)));
        StackLimitRecovery.Attempt attempt = StackLimitRecovery.attempt(dump.reason(), ArmArchitecture.of(elf), start, bt,
                current.flatMap(ThreadLister.ThreadEntry::stack), unwinder, memory, crash);
        Optional<StackLimitRecovery.Result> limit = attempt.result();
        if (attempt.refusal().isPresent()) {
            // a stack-limit overflow whose callers could not be rebuilt: the plain unwind stays, and the report says why
            List<String> notes = new ArrayList<>(bt.notes());
            notes.add(CrashBacktrace.stackLimitRefusal(dump, current.map(ThreadLister.ThreadEntry::inSentence).orElse("the crashing thread"),
                    attempt.refusal().get()));
            bt = new Backtrace(bt.frames(), bt.stopReason(), bt.establishedAtStart(), notes);
        }
        RegisterSet innermost;
        int ipsr;
        if (limit.isPresent()) {
            List<Frame> frames = new ArrayList<>();
            frames.add(bt.frames().get(0)); // the leading fault frame
            frames.addAll(limit.get().backtrace().frames());
            // what the rebuilt chain found and did not show (tail calls it could not place) stays with it, and so does
            // what it established about the caller's registers; what the walk from the dump's registers found is
            // dropped with its frames (those registers were not the context)
            Backtrace rebuilt = limit.get().backtrace();
            bt = new Backtrace(frames, rebuilt.stopReason(), rebuilt.establishedAtStart(), rebuilt.notes());
            innermost = limit.get().caller();
            ipsr = 0;
        } else {
            innermost = start.registers();
            // frame 0's pc: the svc itself when the error was raised by one (the stacked pc is the instruction after it)
            Optional<Frame> frame0 = bt.frames().stream().filter(f -> f.kind() != FrameKind.EXCEPTION && f.pc().isPresent()).findFirst();
            if (frame0.isPresent() && innermost.has(RegisterSet.PC) && frame0.get().pc().getAsLong() != innermost.value(RegisterSet.PC)) {
                innermost = innermost.with(RegisterSet.PC, frame0.get().pc().getAsLong());
            }
            ipsr = (int) (a.xpsr() & 0x1FF);
        }
        return new CrashContext(unwinder, threads, Optional.of(new Crashed(start, bt, limit, innermost, ipsr, attempt.refusal().isPresent())));
    }

    /** The unwinder built for this ELF; ask it for {@link Unwinder#warnings} after everything was unwound. */
    public Unwinder unwinder() {
        return unwinder;
    }

    /** Every thread the ELF lets us list, the current one included (its backtrace is {@link #crashed()}'s). */
    public List<ThreadLister.ThreadEntry> threads() {
        return threads;
    }

    /** The thread that was running when the fault hit, when the thread list names it. */
    public Optional<ThreadLister.ThreadEntry> current() {
        return threads.stream().filter(ThreadLister.ThreadEntry::current).findFirst();
    }

    /** The context that faulted; empty when the arch block is missing or lacks some of the nine basic registers. */
    public Optional<Crashed> crashed() {
        return crashed;
    }

    /** The leading frame's label, naming the fault where the stack changes (probe-rs style). */
    static String faultLabel(long reason, Optional<FaultStatus> status) {
        StringBuilder s = new StringBuilder("fault: ").append(FaultReason.name(reason));
        status.ifPresent(fs -> {
            if ((fs.cfsr() & 0x8000) != 0) {
                s.append(String.format(", bus fault address 0x%08x", fs.bfar()));
            } else if ((fs.cfsr() & 0x80) != 0) {
                s.append(String.format(", memory fault address 0x%08x", fs.mmfar()));
            }
        });
        return s.toString();
    }

    /** The crashing thread's stack from the thread list, when it knows it. */
    Optional<AddressRange> currentStack() {
        return current().flatMap(ThreadLister.ThreadEntry::stack);
    }
}
