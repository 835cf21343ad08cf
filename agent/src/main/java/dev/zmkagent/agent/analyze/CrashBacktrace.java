package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.cortexm.FaultReason;
import dev.zmkagent.coredump.cortexm.FaultStatus;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.Memory;
import dev.zmkagent.coredump.symbols.Symbolizer;
import dev.zmkagent.coredump.unwind.Backtrace;
import dev.zmkagent.coredump.unwind.CrashSignature;
import dev.zmkagent.coredump.unwind.StackLimitRecovery;
import dev.zmkagent.coredump.unwind.Frame;
import dev.zmkagent.coredump.unwind.ThreadLister;
import dev.zmkagent.coredump.unwind.Unwinder;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.values.FrameValues;
import dev.zmkagent.coredump.values.MissingReasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The report's side of {@link CrashContext}: the crashing context's backtrace, the thread list and the crash signature
 * for one dump, and the report's frames and sentences made from them. Needs the ELF (its call-frame information and
 * symbols); without it only the raw pc is known.
 */
final class CrashBacktrace {
    /**
     * What the unwinding produced, ready for the report. {@code svc}: the address of the svc that raised the error
     * (k_oops, k_panic, __ASSERT), where frame 0 and the gdbserver's pc are, when the stacked pc is the instruction after it.
     * {@code stackLimitRefused}: a stack-limit overflow whose callers were not rebuilt; the backtrace's notes carry its
     * sentence and stack-size advice ({@link #stackLimitRefusal}), so {@link #overflow} adds none.
     */
    record Result(Optional<Backtrace> backtrace, List<ThreadLister.ThreadEntry> threads, Optional<String> signature,
                  Optional<String> spExplanation, java.util.OptionalLong interruptedSp,
                  Optional<dev.zmkagent.coredump.memory.AddressRange> crashingStack, String crashingThread, List<String> warnings,
                  Optional<StackLimitRecovery.Result> stackLimit, java.util.OptionalLong svc, boolean stackLimitRefused) {
    }

    private CrashBacktrace() {
    }

    /**
     * The report's view of {@link CrashContext}: the crashed context's backtrace, the thread list, the signature,
     * and the crashing thread's stack for the overflow sentences. Nothing is unwound here: the gdbserver serves the
     * same context, so what the report shows and what gdb is given come from one computation.
     */
    static Result compute(ZephyrDump dump, Optional<ElfFile> elf, Optional<Symbolizer> symbols, Memory memory, Optional<FaultStatus> faultStatus) {
        if (elf.isEmpty()) {
            return new Result(Optional.empty(), List.of(), Optional.empty(), Optional.empty(), java.util.OptionalLong.empty(), Optional.empty(), "",
                    List.of(), Optional.empty(), java.util.OptionalLong.empty(), false);
        }
        CrashContext context = CrashContext.of(dump, elf.get(), symbols.orElseGet(() -> Symbolizers.forElf(elf.get())), memory, faultStatus);
        if (context.crashed().isEmpty()) {
            // no backtrace from an incomplete arch block; the threads the ELF lists are still the report's
            return new Result(Optional.empty(), context.threads(), Optional.empty(), Optional.empty(), java.util.OptionalLong.empty(),
                    Optional.empty(), "", context.unwinder().warnings(), Optional.empty(), java.util.OptionalLong.empty(), false);
        }
        CrashContext.Crashed crashed = context.crashed().get();
        Backtrace bt = crashed.backtrace();
        // The crashing thread's stack: from the thread list, or (MIN dumps hold no _kernel) the ELF object that holds the
        // outermost frame of the crashing context.
        Optional<dev.zmkagent.coredump.memory.AddressRange> stack = context.currentStack();
        String thread = context.current().filter(t -> t.stack().isPresent()).map(ThreadLister.ThreadEntry::inSentence).orElse("the crashing thread");
        if (stack.isEmpty()) {
            List<Frame> fs = bt.frames();
            for (int i = fs.size() - 1; i >= 0 && stack.isEmpty(); i--) {
                if (fs.get(i).cfa().isPresent() && fs.get(i).kind() != dev.zmkagent.coredump.unwind.FrameKind.GUESS) {
                    stack = elf.get().symbols().containing(fs.get(i).cfa().getAsLong() - 4).filter(sym -> sym.isObject() && sym.size() >= 256)
                            .map(sym -> new dev.zmkagent.coredump.memory.AddressRange(sym.address(), sym.address() + sym.size()));
                    if (stack.isPresent()) {
                        thread = "the stack '" + elf.get().symbols().containing(fs.get(i).cfa().getAsLong() - 4).get().name() + "'";
                    }
                }
            }
        }
        Optional<StackLimitRecovery.Result> limit = crashed.stackLimit();
        String spText = limit.isPresent()
                ? String.format("arch sp 0x%08x is Zephyr's sp for an exception frame at 0x%08x, the stack limit; the core stacked nothing there"
                        + " (see the stack overflow below), so the dump's registers are not the crashed context", dump.arch().get().sp(), limit.get().limit())
                : crashed.start().explanation();
        return new Result(Optional.of(bt), context.threads(), Optional.of(CrashSignature.shortForm(FaultReason.name(dump.reason()), bt)), Optional.of(spText),
                crashed.start().registers().get(dev.zmkagent.coredump.unwind.RegisterSet.SP), stack, thread, context.unwinder().warnings(), limit,
                crashed.pcIsSvc() ? java.util.OptionalLong.of(crashed.innermost().value(dev.zmkagent.coredump.unwind.RegisterSet.PC))
                        : java.util.OptionalLong.empty(), crashed.stackLimitRefused());
    }

    /** What the report says about a stack-limit overflow that {@link StackLimitRecovery} explained. */
    static String stackLimitDiagnosis(Result r, StackLimitRecovery.Result s, ZephyrDump dump) {
        String bounds = r.crashingStack().map(st -> String.format("stack 0x%08x-0x%08x, %d bytes usable from the limit 0x%08x",
                st.start(), st.end(), st.end() - s.limit(), s.limit())).orElse(String.format("stack limit 0x%08x", s.limit()));
        dev.zmkagent.coredump.format.ArchBlock a = dump.arch().get();
        if (!s.certain()) {
            return String.format("Stack overflow stopped by the stack limit (PSPLIM, CONFIG_BUILTIN_STACK_GUARD): %s (%s) overflowed in %s or in a"
                            + " function it tail-called (%s). The innermost return address saved on the stack (0x%08x, at 0x%08x) follows a"
                            + " call to %s, but %s ends in jumps (tail calls) into those functions, whose prologues save the same return"
                            + " address, and each of their frames would reach below the limit: which one overflowed the stack does not"
                            + " tell, so frame 0 has no name. The core could not stack the exception frame (it sets psp to the limit and"
                            + " stacks nothing), so the dump's registers (pc 0x%08x, lr 0x%08x) are what lay at the bottom of the stack,"
                            + " not the crashed context. The callers are rebuilt from the return addresses saved on the thread's stack,"
                            + " marked [recovered]. Raise the thread's stack size (for ZMK threads the matching CONFIG_ZMK_*_STACK_SIZE,"
                            + " or CONFIG_MAIN_STACK_SIZE) or shrink the recursion or its locals.",
                    r.crashingThread(), bounds, s.function(), String.join(", ", s.tailCalled()), s.caller().value(dev.zmkagent.coredump.unwind.RegisterSet.PC),
                    s.returnSlot(), s.function(), s.function(), a.pc(), a.lr());
        }
        return String.format("Stack overflow stopped by the stack limit (PSPLIM, CONFIG_BUILTIN_STACK_GUARD): %s (%s) overflowed in %s, whose frame"
                        + " needs %d bytes below its caller's sp 0x%08x; sp would have reached 0x%08x, %d bytes below the limit. The core could not"
                        + " stack the exception frame (it sets psp to the limit and stacks nothing), so the dump's registers (pc 0x%08x, lr 0x%08x)"
                        + " are what lay at the bottom of the stack, not the crashed context. The backtrace is rebuilt from the return addresses"
                        + " saved on the thread's stack (each one right after a call to the function of the frame below it), marked [recovered];"
                        + " %s's own pc was never saved. Raise the thread's stack size (for ZMK threads the matching CONFIG_ZMK_*_STACK_SIZE,"
                        + " or CONFIG_MAIN_STACK_SIZE) or shrink the recursion or its locals.",
                r.crashingThread(), bounds, s.function(), s.frameBytes(), s.cfa(), s.cfa() - s.frameBytes(), s.bytesBelow(), a.pc(), a.lr(),
                s.function());
    }

    /** What the report says about a stack-limit overflow whose call chain {@link StackLimitRecovery} refused to rebuild. */
    static String stackLimitRefusal(ZephyrDump dump, String thread, String why) {
        dev.zmkagent.coredump.format.ArchBlock a = dump.arch().get();
        return String.format("Stack overflow stopped by the stack limit (PSPLIM, CONFIG_BUILTIN_STACK_GUARD): %s overflowed its stack, and"
                        + " the core could not stack the exception frame (it sets psp to the limit and stacks nothing), so the dump's registers"
                        + " (pc 0x%08x, lr 0x%08x) are what lay at the bottom of the stack, not the crashed context. The callers are not"
                        + " rebuilt from the stack: %s. The backtrace shown is the plain unwind from the dump's registers. Raise the"
                        + " thread's stack size (for ZMK threads the matching CONFIG_ZMK_*_STACK_SIZE, or CONFIG_MAIN_STACK_SIZE) or shrink"
                        + " the recursion or its locals.", thread, a.pc(), a.lr(), why);
    }

    /**
     * A stack overflow names itself: the interrupted sp lies below the crashing thread's stack (in its guard or in
     * whatever sits below it). Not for a stack-limit overflow whose callers were not rebuilt: its sentence says so and
     * gives the advice, once.
     */
    static Optional<String> overflow(Result r) {
        if (r.stackLimitRefused() || r.interruptedSp().isEmpty() || r.crashingStack().isEmpty()) {
            return Optional.empty();
        }
        long sp = r.interruptedSp().getAsLong();
        dev.zmkagent.coredump.memory.AddressRange stack = r.crashingStack().get();
        if (sp >= stack.start() + 64) {
            return Optional.empty();
        }
        return Optional.of(String.format("The stack pointer 0x%08x is %s the bottom of %s (%s): the thread overflowed its stack."
                + " Raise its stack size (for ZMK threads the matching CONFIG_ZMK_*_STACK_SIZE, or CONFIG_MAIN_STACK_SIZE).",
                sp, sp < stack.start() ? (stack.start() - sp) + " bytes below" : "within 64 bytes of", r.crashingThread(), stack));
    }

    /**
     * The report's frames: the unwinder's leading fault frame (which only marks where the stack changes, for the
     * signature) is left out, so frame 0 is the faulting instruction, as in gdb's view of the dump.
     */
    static List<dev.zmkagent.coredump.report.CrashReport.Frame> reportFrames(Backtrace bt) {
        return reportFrames(bt, Optional.empty());
    }

    /** The report's frames with every frame's arguments and locals, when {@code values} can read them (DWARF present). */
    static List<dev.zmkagent.coredump.report.CrashReport.Frame> reportFrames(Backtrace bt, Optional<FrameValues> values) {
        List<dev.zmkagent.coredump.report.CrashReport.Frame> out = new ArrayList<>();
        List<Frame> frames = bt.frames();
        List<FrameValues.Values> vals = values.map(v -> v.of(frames)).orElse(null);
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            if (i == 0 && f.kind() == dev.zmkagent.coredump.unwind.FrameKind.EXCEPTION && !Unwinder.EXCEPTION_LABEL.equals(f.function())) {
                continue;
            }
            FrameValues.Values v = vals == null ? FrameValues.Values.NONE : vals.get(i);
            boolean known = vals != null && v != FrameValues.Values.NONE;
            out.add(new dev.zmkagent.coredump.report.CrashReport.Frame(out.size(), f.pc(), f.function(), f.file(), f.line(), f.inlined(),
                    f.kind().name().toLowerCase(), variables(v.args()), variables(v.locals()),
                    known ? Optional.of(v.btArgs()) : Optional.empty()));
        }
        return out;
    }

    private static List<dev.zmkagent.coredump.report.CrashReport.Variable> variables(List<FrameValues.Variable> list) {
        List<dev.zmkagent.coredump.report.CrashReport.Variable> out = new ArrayList<>(list.size());
        for (FrameValues.Variable v : list) {
            out.add(new dev.zmkagent.coredump.report.CrashReport.Variable(v.name(), v.type(), v.value(), v.entryValue(), v.unavailableReason()));
        }
        return out;
    }

    /**
     * The reader of frame values for a dump, when the ELF has DWARF: memory reasons from the dump's blocks (what a
     * truncation lost, where it was cut), register reasons from whether the arch block holds r4-r11.
     */
    static Optional<FrameValues> frameValues(ZephyrDump dump, Optional<ElfFile> elf, Optional<Symbolizer> symbols, Memory memory) {
        if (elf.isEmpty() || symbols.isEmpty() || !(symbols.get() instanceof DebugInfo dwarf)) {
            return Optional.empty();
        }
        List<dev.zmkagent.coredump.memory.AddressRange> lost = new ArrayList<>();
        List<dev.zmkagent.coredump.memory.AddressRange> dumped = new ArrayList<>();
        for (dev.zmkagent.coredump.format.MemoryBlock mb : dump.memory()) {
            if (mb.storedEnd() > mb.start()) {
                dumped.add(new dev.zmkagent.coredump.memory.AddressRange(mb.start(), mb.storedEnd()));
            }
            if (mb.truncated() && mb.end() > mb.storedEnd()) {
                lost.add(new dev.zmkagent.coredump.memory.AddressRange(mb.storedEnd(), mb.end()));
            }
        }
        boolean callee = dump.arch().map(dev.zmkagent.coredump.format.ArchBlock::calleeSavedKnown).orElse(false);
        return Optional.of(new FrameValues(dwarf, elf.get().symbols(), memory, new MissingReasons(lost, dumped, callee)));
    }

    /**
     * The sentence about frames placed from the thread's entry function (kind {@code tailcall_via_entry}): which they
     * are, why they are certain, and that gdb over our gdbserver does not show them (they have no registers to serve).
     */
    static Optional<String> tailCallsViaEntry(List<dev.zmkagent.coredump.report.CrashReport.Frame> frames) {
        List<String> shown = new ArrayList<>();
        for (dev.zmkagent.coredump.report.CrashReport.Frame f : frames) {
            if ("tailcall_via_entry".equals(f.kind())) {
                shown.add("#" + f.index() + " " + f.function());
            }
        }
        if (shown.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Tail calls: " + String.join(", ", shown) + " left no stack frame (each ended with a jump into the next"
                + " function). They are shown because the thread object names the entry function z_thread_entry called, and the"
                + " DWARF call sites give exactly one tail-call path from it to the faulting function, with no jump through a"
                + " pointer on the way; a jump the compiler gave no call-site information (assembly) cannot be seen. They are"
                + " synthetic frames (no registers of their own): gdb over `zmk-agent gdbserver` does not show them.");
    }

}
