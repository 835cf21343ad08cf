package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.memory.Memory;
import dev.zmkagent.coredump.symbols.CallSite;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import dev.zmkagent.coredump.unwind.cfi.FdeIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Backtraces of Cortex-M code from registers and memory, without gdb.
 *
 * <p>Each step finds the caller by .debug_frame/.eh_frame CFI, else by Thumb prologue analysis; a return address that
 * is an EXC_RETURN value crosses an exception boundary (shown as its own EXCEPTION frame, like gdb's
 * "&lt;signal handler called&gt;") by popping the hardware-stacked frame. The walk ends with a {@link StopReason};
 * when that stop is not a clean outermost frame and scanning is enabled, GUESS frames from a stack scan follow.
 *
 * <p>Between a frame unwound by CFI and its caller, TAILCALL frames name the functions that were left by tail calls
 * on the way, from DWARF call sites ({@link TailCallChain}), as gdb shows them.
 *
 * <p>pc convention (gdb's): the innermost frame and the frame right after an exception boundary are looked up at
 * their pc (the interrupted instruction); callers at pc-1, inside the call instruction, so file:line is the call's.
 *
 * <p>One exception to gdb's convention, where gdb is wrong: a context stopped by an {@code svc} instruction (Zephyr's
 * k_oops, k_panic and a failed __ASSERT, {@link UnwindOptions#raisedBySvc}). The core stacks the address of the
 * instruction <em>after</em> the svc, which was never executed; when the svc ends a noreturn function that address is
 * the first instruction of the next function, and gdb names and unwinds that one. When the halfword at pc-2 is an
 * SVC (0xDFxx; SVC is always 16 bits in Thumb), the first frame is the svc itself: its pc is shown as pc-2, it is
 * symbolized at pc-2 and unwound with the CFI row (or prologue analysis) in effect at pc-2. Zephyr's z_arm_svc finds
 * the svc number the same way, at stacked pc-2. The frame's registers keep the stacked pc.
 *
 * <p>Index the ELF once with {@link #forElf} and reuse the instance for many unwinds (threads, benchmarks).
 */
public final class Unwinder {
    public static final String EXCEPTION_LABEL = "<signal handler called>";
    /** Zephyr's thread entry (lib/os/thread_entry.c): it calls the thread's entry function through a pointer. */
    private static final String THREAD_ENTRY = "z_thread_entry";
    /** {@link #warnings} gives at most this many lines, then one that counts the rest. */
    public static final int MAX_WARNINGS = 10;
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]+");

    private final ElfFile elf;
    private final Symbolizer symbolizer;
    private final FdeIndex fdes;
    private final ExidxTable exidx;
    /** Malformed CFI met while unwinding, in order, without repeats; guarded by itself. */
    private final Set<String> unwindProblems = new LinkedHashSet<>();

    private Unwinder(ElfFile elf, Symbolizer symbolizer) {
        this.elf = elf;
        this.symbolizer = symbolizer;
        this.fdes = FdeIndex.build(elf);
        this.exidx = ExidxTable.build(elf);
    }

    public static Unwinder forElf(ElfFile elf, Symbolizer symbolizer) {
        return new Unwinder(elf, symbolizer);
    }

    public static Backtrace unwind(ElfFile elf, Symbolizer symbolizer, Memory memory, RegisterSet initial, UnwindOptions options) {
        return forElf(elf, symbolizer).unwind(memory, initial, options);
    }

    /** The firmware this unwinder reads code and call-frame information from. */
    public ElfFile elf() {
        return elf;
    }

    public FdeIndex fdeIndex() {
        return fdes;
    }

    /** The symbolizer this unwinder names frames with (DWARF call sites included); null when there is none. */
    Symbolizer symbolizer() {
        return symbolizer;
    }

    /**
     * What went wrong with the debug information, for the report's warnings: sections of call-frame information that
     * could not be indexed ({@link FdeIndex#problems}), malformed CFI met by the unwinds so far, and the symbolizer's
     * {@link Symbolizer#warnings} (corrupt DWARF for the addresses looked up so far). Ask after unwinding. Warnings that
     * differ only in their addresses and offsets are shown once, with how many more there were like it; at most
     * {@link #MAX_WARNINGS} lines, the last one counting what was left out. Empty when all was well.
     */
    public List<String> warnings() {
        List<String> raw = new ArrayList<>();
        for (String p : fdes.problems()) {
            raw.add("call-frame information unreadable (" + p + "); functions it covers are unwound by prologue analysis");
        }
        synchronized (unwindProblems) {
            raw.addAll(unwindProblems);
        }
        if (symbolizer != null) {
            raw.addAll(symbolizer.warnings());
        }
        Map<String, String> first = new LinkedHashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (String w : raw) {
            // the same problem met at many addresses or in many units: one line
            String key = ADDRESS.matcher(w).replaceAll("0x?").replace(", using ELF symbols", "");
            first.putIfAbsent(key, w);
            count.merge(key, 1, Integer::sum);
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : first.entrySet()) {
            int more = count.get(e.getKey()) - 1;
            out.add(more == 0 ? e.getValue() : e.getValue() + String.format(" (and %d more like it)", more));
        }
        if (out.size() > MAX_WARNINGS) {
            int left = out.size() - (MAX_WARNINGS - 1);
            out = new ArrayList<>(out.subList(0, MAX_WARNINGS - 1));
            out.add(String.format("... and %d more problems with the debug information", left));
        }
        return out;
    }

    public Backtrace unwind(Memory memory, RegisterSet initial, UnwindOptions options) {
        CodeReader code = new CodeReader(elf, memory);
        FrameStepper stepper = new FrameStepper(elf, fdes, exidx, code, p -> {
            synchronized (unwindProblems) {
                unwindProblems.add(p);
            }
        });
        List<Frame> frames = new ArrayList<>();
        if (options.leadingException() != null) {
            frames.add(new Frame(FrameKind.EXCEPTION, OptionalLong.empty(), options.leadingException(), null, 0, false,
                    RegisterSet.empty(), OptionalLong.empty(), "fault boundary: the frames below are the interrupted context"));
        }
        Walk walk = new Walk(memory, code, stepper, options, frames);
        walk.carriedFromStart = ~knownMask(initial);
        StopReason stop = walk.run(initial, FrameKind.NORMAL);
        return new Backtrace(frames, stop, walk.establishedAtStart, walk.notes);
    }

    private static int knownMask(RegisterSet regs) {
        int m = 0;
        for (int r = 0; r < RegisterSet.COUNT; r++) {
            if (regs.has(r)) {
                m |= 1 << r;
            }
        }
        return m;
    }

    /**
     * Unwinds from a caller context rebuilt from a saved return address ({@link StackLimitRecovery}): {@code caller}
     * holds pc = that return address and the caller's sp, so its first frame is looked up at pc-1 like any caller, and
     * every frame is marked RECOVERED (inlined functions too: {@link Frame#inlined} says that they were inlined). No
     * stack scan follows an early stop. The notes (tail calls that could not be placed) and what the walk established
     * about {@code caller}'s unknown registers are kept, as for {@link #unwind}.
     */
    public Backtrace unwindFromReturnAddress(Memory memory, RegisterSet caller, UnwindOptions options) {
        CodeReader code = new CodeReader(elf, memory);
        FrameStepper stepper = new FrameStepper(elf, fdes, exidx, code, p -> {
            synchronized (unwindProblems) {
                unwindProblems.add(p);
            }
        });
        List<Frame> frames = new ArrayList<>();
        Walk walk = new Walk(memory, code, stepper, options.withHeuristicScan(false), frames);
        walk.carriedFromStart = ~knownMask(caller);
        StopReason stop = walk.walk(caller, FrameKind.RECOVERED, false, false);
        return new Backtrace(frames, stop, walk.establishedAtStart, walk.notes);
    }

    /** One walk over the frames; holds the mutable state of a single unwind. */
    private final class Walk {
        private final Memory memory;
        private final CodeReader code;
        private final FrameStepper stepper;
        private final UnwindOptions options;
        private final List<Frame> frames;
        private final Set<Long> seen = new HashSet<>();
        private long lastSp = -1;
        /** Registers unknown at the start whose value every frame so far has passed on unchanged. */
        int carriedFromStart;
        /** What the walk proved about the start's unknown registers. */
        RegisterSet establishedAtStart = RegisterSet.empty();
        /** What the walk found but did not show as frames (see {@link Backtrace#notes}). */
        final List<String> notes = new ArrayList<>();
        /** The last frame's stop forbids the heuristic scan ({@link UnwindStop#noScan}). */
        private boolean scanRefused;

        Walk(Memory memory, CodeReader code, FrameStepper stepper, UnwindOptions options, List<Frame> frames) {
            this.memory = memory;
            this.code = code;
            this.stepper = stepper;
            this.options = options;
            this.frames = frames;
        }

        StopReason run(RegisterSet start, FrameKind kind) {
            StopReason stop = walk(start, kind, options.raisedBySvc(), true);
            if (!stop.isClean() && options.heuristicScan() && !scanRefused && lastSp >= 0 && frames.size() < options.maxFrames()) {
                List<StackScanner.Hit> hits = StackScanner.scan(memory, code, lastSp, options.scanWords(),
                        Math.min(options.maxGuesses(), options.maxFrames() - frames.size()));
                for (StackScanner.Hit h : hits) {
                    addSourceFrames(FrameKind.GUESS, h.returnAddress(), h.returnAddress() - 1, RegisterSet.empty(),
                            OptionalLong.empty(), String.format("guess: return address found in the stack at 0x%08x", h.slot()));
                }
            }
            return stop;
        }

        private StopReason walk(RegisterSet start, FrameKind kind, boolean startsAfterSvc, boolean startsExact) {
            RegisterSet regs = start;
            boolean exact = startsExact;
            boolean svcPending = startsAfterSvc;
            while (true) {
                if (!regs.has(RegisterSet.PC)) {
                    return new StopReason(StopReason.Kind.REGISTER_UNKNOWN, "the pc of the next frame is not known");
                }
                long pc = regs.value(RegisterSet.PC) & ~1L;
                long lookup = exact ? pc : pc - 1;
                String svcNote = "";
                if (svcPending) {
                    svcPending = false;
                    if (exact && pc >= 2 && isSvc(code.halfword(pc - 2))) {
                        svcNote = String.format("raised by the svc at 0x%08x: the stacked pc 0x%08x is the instruction after it, "
                                + "so this frame is looked up and unwound at the svc; ", pc - 2, pc);
                        pc -= 2;
                        lookup = pc;
                    }
                }
                if (regs.has(RegisterSet.SP)) {
                    lastSp = regs.value(RegisterSet.SP);
                }
                if (!code.isCode(pc)) {
                    addSourceFrames(kind, pc, lookup, regs, OptionalLong.empty(), "pc is outside code");
                    // A call through a bad pointer (pc 0 after a NULL function pointer) jumped before any prologue
                    // ran: the caller is lr with the same sp, as gdb assumes. Only for the frame that was
                    // interrupted, where lr is a real register value and not a guess.
                    long lr = regs.has(RegisterSet.LR) ? regs.value(RegisterSet.LR) : 0;
                    if (exact && (lr & 1) == 1 && code.isCode(lr & ~1L) && regs.has(RegisterSet.SP)
                            && seen.add(((lr & ~1L) << 32) | regs.value(RegisterSet.SP))) {
                        regs = regs.with(RegisterSet.PC, lr & ~1L).without(RegisterSet.LR);
                        exact = false;
                        continue;
                    }
                    return new StopReason(StopReason.Kind.CORRUPT_FRAME, String.format("pc 0x%08x is not inside any code section", pc));
                }
                FrameStepper.Step step = null;
                UnwindStop failure = null;
                if (!regs.has(RegisterSet.SP)) {
                    failure = new UnwindStop(StopReason.Kind.REGISTER_UNKNOWN, "the stack pointer of this frame is not known, so its caller cannot be found");
                } else {
                    try {
                        step = stepper.step(memory, regs, pc, lookup, options.dumpTruncated());
                    } catch (UnwindStop e) {
                        failure = e;
                    }
                }
                String name = addSourceFrames(kind, pc, lookup, regs,
                        step == null ? OptionalLong.empty() : OptionalLong.of(step.cfa()), svcNote + (step == null ? "" : step.method()));
                if (options.outermostFunctions().contains(name)) {
                    return new StopReason(StopReason.Kind.OUTERMOST, "reached " + name + ", where this context starts");
                }
                if (frames.size() >= options.maxFrames()) {
                    return new StopReason(StopReason.Kind.FRAME_LIMIT, "stopped after " + options.maxFrames() + " frames");
                }
                if (failure != null) {
                    scanRefused = failure.noScan();
                    return failure.reason();
                }
                for (int r = 0; r < RegisterSet.COUNT; r++) {
                    if (step.established().has(r) && (carriedFromStart & (1 << r)) != 0 && !establishedAtStart.has(r)) {
                        establishedAtStart = establishedAtStart.with(r, step.established().value(r));
                    }
                }
                // Only registers the step's rules leave alone pass on; an exception boundary after the step keeps
                // r4-r11 as they are (the core does not stack them).
                carriedFromStart &= step.carried();
                long sp = regs.value(RegisterSet.SP);
                long ra = step.returnAddress();
                if (ExceptionFrames.isExcReturn(ra)) {
                    RegisterSet popped;
                    try {
                        popped = crossException(regs, step, ra);
                    } catch (UnwindStop e) {
                        if (ExceptionFrames.usesProcessStack(ra) && !regs.has(RegisterSet.PSP)
                                && options.interruptedThreadStack().isPresent()) {
                            return recover(step, ra, e.reason());
                        }
                        return e.reason();
                    }
                    regs = popped;
                    exact = true;
                    continue;
                }
                if (ra == 0) {
                    return new StopReason(StopReason.Kind.OUTERMOST, "the return address is 0: this is the outermost frame");
                }
                if (!code.isCode(ra & ~1L)) {
                    return new StopReason(StopReason.Kind.CORRUPT_FRAME, String.format(
                            "the return address 0x%08x (found by %s) is not in code", ra, step.method()));
                }
                if (step.cfa() < sp) {
                    return new StopReason(StopReason.Kind.CORRUPT_FRAME, String.format(
                            "the caller's stack pointer 0x%08x is below this frame's 0x%08x", step.cfa(), sp));
                }
                if (!seen.add(((ra & ~1L) << 32) | step.cfa())) {
                    return new StopReason(StopReason.Kind.CORRUPT_FRAME, String.format(
                            "the frame chain repeats (pc 0x%08x, sp 0x%08x): a cycle", ra & ~1L, step.cfa()));
                }
                if (step.method().startsWith("cfi")) {
                    addTailCalls(lookup, ra & ~1L);
                    if (frames.size() >= options.maxFrames()) {
                        return new StopReason(StopReason.Kind.FRAME_LIMIT, "stopped after " + options.maxFrames() + " frames");
                    }
                }
                regs = step.caller();
                exact = false;
            }
        }

        /**
         * gdb's tail-call frames between the frame at {@code calleeLookup} and its caller at {@code returnAddress}:
         * the functions the caller's call reached the callee through by jumps, from DWARF call sites (see
         * {@link TailCallChain}). Like gdb, only after a frame unwound by call-frame information. Beyond gdb: where the
         * caller is z_thread_entry, whose call into the thread's entry goes through a pointer (its call site names no
         * callee), the entry function known from the thread object ({@link UnwindOptions#threadEntry}) is where the
         * search starts; those frames are TAILCALL_VIA_ENTRY. Several paths: no frames beyond what all of them share,
         * and a note saying why; a tail call through a pointer on the way, or a search stopped at its depth or path
         * limit: no frames, and a note saying why.
         */
        private void addTailCalls(long calleeLookup, long returnAddress) {
            if (symbolizer == null) {
                return;
            }
            OptionalLong entry = symbolizer.functionEntry(calleeLookup);
            if (entry.isEmpty()) {
                return;
            }
            Optional<CallSite> call = symbolizer.callSiteAt(returnAddress);
            if (call.isEmpty()) {
                return;
            }
            FrameKind kind = FrameKind.TAILCALL;
            long first;
            if (call.get().target().isPresent()) {
                first = call.get().target().getAsLong();
            } else if (options.threadEntry().isPresent() && THREAD_ENTRY.equals(functionName(returnAddress - 1))) {
                first = options.threadEntry().getAsLong() & ~1L;
                kind = FrameKind.TAILCALL_VIA_ENTRY;
            } else {
                return;
            }
            TailCallChain.Result found = TailCallChain.from(symbolizer, first, entry.getAsLong());
            String callee = functionName(calleeLookup);
            if (found.indirect().isPresent()) {
                CallSite jump = found.indirect().get();
                notes.add(String.format("%s was reached from %s through tail calls (jumps that leave no frame), but on the way from %s"
                        + " %s jumps through a pointer (a tail call at 0x%08x whose target the DWARF call sites do not name): which"
                        + " functions lie between them is not known, so no tail-call frame is shown between %s and %s.",
                        callee, functionName(returnAddress - 1), functionName(first), functionName(jump.function()), jump.lookupPc(),
                        callee, functionName(returnAddress - 1)));
            }
            if (found.limit().isPresent()) {
                notes.add(String.format("%s was reached from %s through tail calls (jumps that leave no frame), but the search of the"
                        + " DWARF call sites for the tail-call path from %s to it stopped at its limit (%s): which functions lie"
                        + " between them is not known, so no tail-call frame is shown between %s and %s.",
                        callee, functionName(returnAddress - 1), functionName(first), found.limit().get(), callee, functionName(returnAddress - 1)));
            }
            if (found.ambiguous()) {
                notes.add(String.format("%s was reached from %s through tail calls (jumps that leave no frame), but the DWARF call sites"
                        + " give %d possible tail-call paths from %s to it: the tail-call path is ambiguous, so %s shown between"
                        + " %s and %s.", callee, functionName(returnAddress - 1), found.chains(), functionName(first),
                        found.sites().isEmpty() ? "no tail-call frame is" : "only the tail-call frames all paths share are",
                        callee, functionName(returnAddress - 1)));
            }
            for (CallSite site : found.sites()) {
                if (frames.size() >= options.maxFrames()) {
                    return;
                }
                long pc = site.framePc();
                String how = kind == FrameKind.TAILCALL_VIA_ENTRY
                        ? "tail call: left by a jump at this call site, on the one tail-call path (DWARF call sites) from the thread's entry"
                                + " function, which z_thread_entry called through a pointer (the entry named by the thread object)"
                        : "tail call: left by a jump at this call site (DWARF call-site information)";
                addSourceFrames(kind, pc, site.lookupPc(), RegisterSet.empty().with(RegisterSet.PC, pc), OptionalLong.empty(),
                        String.format("%s, return pc 0x%08x; no stack frame of its own, registers unknown", how, pc));
            }
        }

        private String functionName(long pc) {
            return elf.symbols().functionAt(pc).map(ElfSymbol::name).orElse(String.format("the function at 0x%08x", pc));
        }

        private RegisterSet crossException(RegisterSet handler, FrameStepper.Step step, long excReturn) throws UnwindStop {
            long frameAddress;
            RegisterSet base = step.caller();
            if (ExceptionFrames.usesProcessStack(excReturn)) {
                if (!handler.has(RegisterSet.PSP)) {
                    addBoundary(excReturn, OptionalLong.empty());
                    throw new UnwindStop(StopReason.Kind.REGISTER_UNKNOWN,
                            "the exception interrupted a thread on the process stack, and psp is not known");
                }
                frameAddress = handler.value(RegisterSet.PSP);
                base = base.with(RegisterSet.MSP, step.cfa());
            } else {
                frameAddress = step.cfa();
            }
            addBoundary(excReturn, OptionalLong.of(frameAddress));
            RegisterSet popped = ExceptionFrames.pop(memory, frameAddress, ExceptionFrames.isExtended(excReturn), base, options.dumpTruncated());
            return popped.with(ExceptionFrames.usesProcessStack(excReturn) ? RegisterSet.PSP : RegisterSet.MSP, popped.value(RegisterSet.SP));
        }

        private void addBoundary(long excReturn, OptionalLong frameAddress) {
            String where = frameAddress.isPresent() ? String.format("; frame stacked at 0x%08x", frameAddress.getAsLong()) : "";
            frames.add(new Frame(FrameKind.EXCEPTION, OptionalLong.empty(), EXCEPTION_LABEL, null, 0, false,
                    RegisterSet.empty().with(RegisterSet.LR, excReturn), frameAddress, ExceptionFrames.describe(excReturn) + where));
        }

        /** Finds the interrupted thread's stacked frame on its stack and continues from it, frames marked RECOVERED. */
        private StopReason recover(FrameStepper.Step step, long excReturn, StopReason whyNeeded) {
            var stack = options.interruptedThreadStack().get();
            boolean extended = ExceptionFrames.isExtended(excReturn);
            for (long candidate : InterruptedThreadFinder.candidates(memory, code, stack)) {
                RegisterSet popped;
                try {
                    popped = ExceptionFrames.pop(memory, candidate, extended, step.caller(), options.dumpTruncated());
                } catch (UnwindStop e) {
                    continue;
                }
                popped = popped.with(RegisterSet.PSP, popped.value(RegisterSet.SP));
                // Trial walk on a scratch list. The highest candidate whose first caller is reached through a real
                // call instruction wins: live stack above psp holds no hardware frames, stale ones lie below it.
                List<Frame> trial = new ArrayList<>();
                Walk w = new Walk(memory, code, stepper, options.withHeuristicScan(false), trial);
                w.carriedFromStart = carriedFromStart;
                w.establishedAtStart = establishedAtStart;
                StopReason stop = w.walk(popped, FrameKind.RECOVERED, false, true);
                boolean plausible = stop.isClean() && !trial.isEmpty()
                        || trial.size() >= 2 && trial.get(1).pc().isPresent() && code.precededByCall(trial.get(1).pc().getAsLong());
                if (plausible) {
                    Frame boundary = frames.remove(frames.size() - 1);
                    frames.add(new Frame(boundary.kind(), boundary.pc(), boundary.function(), null, 0, false, boundary.registers(),
                            OptionalLong.of(candidate), boundary.note() + String.format(
                            "; psp was not recorded, the interrupted thread's frame was found at 0x%08x by searching its stack", candidate)));
                    frames.addAll(trial);
                    notes.addAll(w.notes);
                    establishedAtStart = w.establishedAtStart;
                    return stop;
                }
            }
            return new StopReason(whyNeeded.kind(), whyNeeded.sentence()
                    + "; no stacked frame that unwinds cleanly was found on the interrupted thread's stack " + stack);
        }

        private boolean isSvc(java.util.OptionalInt halfword) {
            return halfword.isPresent() && (halfword.getAsInt() & 0xFF00) == 0xDF00;
        }

        /** Adds the source frames (inlined first) for one machine frame; returns the outer function's name. */
        private String addSourceFrames(FrameKind kind, long pc, long lookup, RegisterSet regs, OptionalLong cfa, String note) {
            List<SourceFrame> sources = symbolizer == null ? List.of() : symbolizer.frames(lookup);
            if (sources.isEmpty()) {
                Optional<ElfSymbol> sym = elf.symbols().functionAt(lookup);
                String name = sym.map(ElfSymbol::name).orElse("??");
                frames.add(new Frame(kind, OptionalLong.of(pc), name, null, 0, false, regs, cfa, note));
                return name;
            }
            // Inlined frames keep the kind of the machine frame they run in: a guess stays a guess, a recovered frame
            // recovered; inlined() says that they were inlined.
            for (int i = 0; i < sources.size(); i++) {
                SourceFrame s = sources.get(i);
                boolean outer = i == sources.size() - 1;
                frames.add(new Frame(kind, OptionalLong.of(pc), s.function(), s.file(), s.line(), !outer,
                        regs, cfa, outer ? note : kind == FrameKind.NORMAL || note.isEmpty() ? "inlined" : "inlined; " + note));
            }
            return sources.get(sources.size() - 1).function();
        }
    }
}
