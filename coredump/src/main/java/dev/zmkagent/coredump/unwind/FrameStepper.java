package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.memory.Memory;
import dev.zmkagent.coredump.unwind.cfi.CfiInterpreter;
import dev.zmkagent.coredump.unwind.cfi.Fde;
import dev.zmkagent.coredump.unwind.cfi.FdeIndex;
import dev.zmkagent.coredump.unwind.cfi.RegisterRule;
import dev.zmkagent.coredump.unwind.cfi.UnwindRow;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One step from a frame to its caller: find the unwind row for the pc (CFI first, then Thumb prologue analysis of the
 * function the ELF symbol or .ARM.exidx says the pc is in), then apply it to the frame's registers and memory.
 */
final class FrameStepper {
    /**
     * The caller's registers (pc is the raw return address, possibly an EXC_RETURN value), the CFA, and how.
     * {@code established}: registers of <em>this</em> frame that were unknown and that the step proved, e.g. the frame
     * pointer r7 when the CFI says CFA = r7 + n and the CFA came from sp (so r7 = CFA − n). {@code carried}: bit r set
     * when the caller's value of register r is this frame's value (no save rule: the function left it alone).
     */
    record Step(RegisterSet caller, long cfa, long returnAddress, String method, RegisterSet established, int carried) {
    }

    private final ElfFile elf;
    private final FdeIndex fdes;
    private final ExidxTable exidx;
    private final CodeReader code;
    private final Consumer<String> problems;

    /** @param problems told about malformed call-frame information met on the way (one sentence each) */
    FrameStepper(ElfFile elf, FdeIndex fdes, ExidxTable exidx, CodeReader code, Consumer<String> problems) {
        this.elf = elf;
        this.fdes = fdes;
        this.exidx = exidx;
        this.code = code;
        this.problems = problems;
    }

    /**
     * @param pc     the frame's pc
     * @param lookup the address that identifies the frame's code: pc for the innermost frame and the frame right after
     *               an exception boundary, pc-1 (inside the call) for callers
     */
    Step step(Memory memory, RegisterSet regs, long pc, long lookup, boolean dumpTruncated) throws UnwindStop {
        UnwindRow row;
        String method;
        RegisterSet established = RegisterSet.empty();
        Optional<Fde> fde = fdes.find(lookup);
        if (fde.isPresent()) {
            try {
                row = CfiInterpreter.rowAt(fde.get(), lookup);
            } catch (FormatException e) {
                problems.accept(String.format("%s: the call-frame information of the function at 0x%08x (FDE at offset 0x%x) is malformed: %s",
                        fde.get().source(), fde.get().start(), fde.get().offset(), e.getMessage()));
                throw new UnwindStop(StopReason.Kind.UNSUPPORTED, "the call-frame information for this function is malformed: " + e.getMessage());
            }
            method = "cfi";
            if (row.cfaExpression() == null && !regs.has(row.cfaRegister())) {
                // Typically -O0 code whose CFA is r7-based, in a dump where r4-r11 were not saved. Its prologue
                // (push {r7, lr}; sub sp; add r7, sp) gives the same CFA from sp, and the CFI still says where the
                // caller's registers are, so combine the two -- but only where sp has not moved since the prologue.
                // A function with alloca or a variable-length array moves sp by a run-time amount after it (that is
                // why GCC gave it a frame pointer): there sp says nothing about the CFA, and neither does anything else.
                Optional<Long> start = functionStart(lookup);
                Optional<PrologueAnalyzer.Analysis> analysed = start.flatMap(s -> PrologueAnalyzer.analysis(code, s, functionEnd(lookup, s), pc));
                if (analysed.isPresent() && regs.has(RegisterSet.SP)) {
                    PrologueAnalyzer.Analysis a = analysed.get();
                    if (!a.holdsAtPc() && a.spMovedAt().isPresent()) {
                        throw new UnwindStop(StopReason.Kind.REGISTER_UNKNOWN, spMovedSentence(lookup, a,
                                String.format("by its call-frame information the CFA is %s + %d (%s is its frame pointer), and %s is not known in this"
                                                + " frame (not in the dump, and no frame below saved it)", RegisterSet.name(row.cfaRegister()),
                                        row.cfaOffset(), RegisterSet.name(row.cfaRegister()), RegisterSet.name(row.cfaRegister())),
                                row.cfaRegister() == 7), true);
                    }
                    String unknown = RegisterSet.name(row.cfaRegister());
                    long cfa = (regs.value(RegisterSet.SP) + a.row().cfaOffset()) & 0xFFFF_FFFFL;
                    long fromReg = row.cfaOffset();
                    if (a.holdsAtPc()) {
                        // The CFI rule CFA = reg + n holds at this pc, so the frame register's value follows from the CFA.
                        established = established.with(row.cfaRegister(), cfa - fromReg);
                    }
                    UnwindRow merged = row.copy();
                    merged.setCfa(RegisterSet.SP, a.row().cfaOffset());
                    row = merged;
                    method = a.holdsAtPc()
                            ? String.format("cfi with the CFA from prologue analysis (%s unknown; by the CFI it is CFA - %d = 0x%08x)",
                                    unknown, fromReg, (cfa - fromReg) & 0xFFFF_FFFFL)
                            // As before sp moves were looked for: no sp move was found, but the search could not run, so
                            // the CFA rests on sp not having moved since the prologue. Say so; the r7 it gives is not proved.
                            : String.format("cfi with the CFA from prologue analysis, unchecked (%s unknown; the CFA assumes sp has not moved since the"
                                    + " prologue, analysed up to 0x%08x, and the rest of the function could not be searched for sp moves: %s)",
                                    unknown, a.stoppedAt(), whyUnchecked(lookup, start.get(), a));
                }
            }
        } else {
            Optional<Long> start = functionStart(lookup);
            if (start.isEmpty()) {
                throw new UnwindStop(StopReason.Kind.NO_UNWIND_INFO, String.format(
                        "no call-frame information and no function symbol for pc 0x%08x", pc));
            }
            Optional<PrologueAnalyzer.Analysis> analysed = PrologueAnalyzer.analysis(code, start.get(), functionEnd(lookup, start.get()), pc);
            if (analysed.isEmpty()) {
                boolean cant = exidx.find(lookup).map(ExidxTable.Entry::cantUnwind).orElse(false);
                throw new UnwindStop(cant ? StopReason.Kind.UNSUPPORTED : StopReason.Kind.NO_UNWIND_INFO, String.format(
                        "no call-frame information for pc 0x%08x and its prologue at 0x%08x could not be analysed%s",
                        pc, start.get(), cant ? "; .ARM.exidx marks it EXIDX_CANTUNWIND" : ""));
            }
            PrologueAnalyzer.Analysis a = analysed.get();
            row = a.row();
            method = a.holdsAtPc() ? "prologue analysis" : String.format("prologue analysis, unchecked (the CFA assumes sp has not moved"
                    + " since the prologue, analysed up to 0x%08x, and the rest of the function could not be searched for sp moves: %s)",
                    a.stoppedAt(), whyUnchecked(lookup, start.get(), a));
            if (!a.holdsAtPc() && a.spMovedAt().isPresent()) {
                // sp moved after the analysed prologue. If that prologue set up r7 as frame pointer (GCC does for
                // alloca and variable-length arrays), the CFA is r7 + k, as gdb's Thumb prologue analyzer takes it.
                if (a.framePointer().isEmpty() || !regs.has(7)) {
                    throw new UnwindStop(a.framePointer().isEmpty() ? StopReason.Kind.NO_UNWIND_INFO : StopReason.Kind.REGISTER_UNKNOWN,
                            spMovedSentence(lookup, a, a.framePointer().isEmpty()
                                    ? "it has no call-frame information and its prologue sets up no frame pointer"
                                    : String.format("it has no call-frame information; its prologue makes r7 the frame pointer (CFA = r7 + %d),"
                                            + " and r7 is not known in this frame (not in the dump, and no frame below saved it)",
                                            a.framePointer().getAsLong()), a.framePointer().isPresent()), a.framePointer().isPresent());
                }
                UnwindRow fromFp = row.copy();
                fromFp.setCfa(7, a.framePointer().getAsLong());
                row = fromFp;
                method = String.format("prologue analysis, the CFA from the frame pointer r7 (r7 + %d; sp moved after the prologue)",
                        a.framePointer().getAsLong());
            }
        }
        RegisterSet known = regs;
        for (int r = 0; r < RegisterSet.COUNT; r++) {
            if (established.has(r)) {
                known = known.with(r, established.value(r));
            }
        }
        Step step = apply(memory, known, row, method, dumpTruncated);
        return new Step(step.caller(), step.cfa(), step.returnAddress(), step.method(), established, step.carried());
    }

    /** The end of the function symbol holding {@code lookup} that starts at {@code start}; {@code start} when not known. */
    private long functionEnd(long lookup, long start) {
        return elf.symbols().functionAt(lookup).filter(f -> f.address() == start && f.size() > 0).map(f -> f.address() + f.size()).orElse(start);
    }

    /** Why the rest of the function after {@code a.stoppedAt()} was not searched for sp moves ({@code a.restChecked()} false). */
    private String whyUnchecked(long lookup, long start, PrologueAnalyzer.Analysis a) {
        long end = functionEnd(lookup, start);
        if (end <= start) {
            return "its end is not known (no function symbol with a size holds the pc)";
        }
        if (end - a.stoppedAt() > PrologueAnalyzer.MAX_FUNCTION_BYTES) {
            return String.format("it is longer than %d KiB", PrologueAnalyzer.MAX_FUNCTION_BYTES / 1024);
        }
        return "its code is in neither the ELF nor the dump";
    }

    /**
     * Why a frame whose sp moved after its prologue cannot be unwound: {@code known} says what the unwind information
     * gives and what it lacks; the rest names the instruction that moves sp ({@code a.spMovedAt()}, present), what it
     * is, and why no stack scan follows.
     */
    private String spMovedSentence(long lookup, PrologueAnalyzer.Analysis a, String known, boolean framePointerMissing) {
        String fn = elf.symbols().functionAt(lookup).map(ElfSymbol::name).orElse(String.format("the function at 0x%08x", lookup));
        long at = a.spMovedAt().getAsLong();
        Optional<PrologueAnalyzer.SpMove> move = PrologueAnalyzer.spMove(code, at);
        String what = move.map(m -> m.runTime()
                ? m.what() + ", by an amount only known at run time (as GCC does for alloca or a variable-length array)"
                : m.what() + ", a fixed amount, but after a branch the prologue analysis stops at, so whether it ran before the pc is not known")
                .orElse("an instruction that moves sp");
        return String.format("%s: %s; sp cannot stand in for it, because %s moves sp at 0x%08x, after its prologue (analysed up to 0x%08x):"
                        + " %s; so where its caller's frame starts is not known; the stack is not scanned for return addresses either,"
                        + " because above sp may lie stack it allocated, which still holds return addresses of calls that have returned%s",
                fn, known, fn, at, a.stoppedAt(), what, framePointerMissing
                        ? " (a dump with r4-r11, Zephyr's CONFIG_EXTRA_EXCEPTION_INFO=y, holds r7 and gives the callers)" : "");
    }

    private Optional<Long> functionStart(long pc) {
        Optional<ElfSymbol> sym = elf.symbols().functionAt(pc);
        if (sym.isPresent()) {
            return Optional.of(sym.get().address());
        }
        return exidx.find(pc).map(ExidxTable.Entry::start);
    }

    static Step apply(Memory memory, RegisterSet regs, UnwindRow row, String method, boolean dumpTruncated) throws UnwindStop {
        if (row.cfaExpression() != null) {
            throw new UnwindStop(StopReason.Kind.UNSUPPORTED, "the CFA is given by a DWARF expression, which this unwinder does not evaluate");
        }
        OptionalLong base = regs.get(row.cfaRegister());
        if (base.isEmpty()) {
            throw new UnwindStop(StopReason.Kind.REGISTER_UNKNOWN, "the CFA is computed from "
                    + RegisterSet.name(row.cfaRegister()) + ", whose value in this frame is not known");
        }
        long cfa = (base.getAsLong() + row.cfaOffset()) & 0xFFFF_FFFFL;
        RegisterSet caller = regs;
        for (int r : new int[] {0, 1, 2, 3, 12, RegisterSet.XPSR}) {
            caller = caller.without(r);
        }
        OptionalLong ra = OptionalLong.empty();
        int carried = 0;
        for (int r = 0; r < 16; r++) {
            if (r == RegisterSet.SP || r == RegisterSet.PC) {
                continue;
            }
            RegisterRule rule = row.rule(r);
            OptionalLong v;
            switch (rule.type()) {
                case UNSPECIFIED:
                    // Caller-saved registers are lost across a call; callee-saved ones and lr keep their value.
                    v = r <= 3 || r == 12 ? OptionalLong.empty() : regs.get(r);
                    break;
                case SAME_VALUE:
                    v = regs.get(r);
                    break;
                case UNDEFINED:
                    v = OptionalLong.empty();
                    if (r == RegisterSet.LR) {
                        throw new UnwindStop(StopReason.Kind.OUTERMOST, "the call-frame information marks the return address as undefined: this is the outermost frame");
                    }
                    break;
                case OFFSET: {
                    long addr = (cfa + rule.offset()) & 0xFFFF_FFFFL;
                    v = memory.u32(addr);
                    if (v.isEmpty() && r == RegisterSet.LR) {
                        throw new UnwindStop(StopReason.Kind.MEMORY_NOT_DUMPED, String.format(
                                "the saved return address at 0x%08x (CFA%+d) is not in the dump%s", addr, rule.offset(),
                                dumpTruncated ? " (the dump was truncated)" : ""));
                    }
                    break;
                }
                case VAL_OFFSET:
                    v = OptionalLong.of((cfa + rule.offset()) & 0xFFFF_FFFFL);
                    break;
                case REGISTER:
                    v = regs.get(rule.reg());
                    break;
                default:
                    if (r == RegisterSet.LR) {
                        throw new UnwindStop(StopReason.Kind.UNSUPPORTED, "the return address is given by a DWARF expression, which this unwinder does not evaluate");
                    }
                    v = OptionalLong.empty();
            }
            boolean kept = rule.type() == RegisterRule.Type.SAME_VALUE || rule.type() == RegisterRule.Type.UNSPECIFIED && r > 3 && r != 12
                    || rule.type() == RegisterRule.Type.REGISTER && rule.reg() == r;
            if (kept) {
                carried |= 1 << r;
            }
            caller = caller.with(r, v);
            if (r == RegisterSet.LR) {
                ra = v;
            }
        }
        if (ra.isEmpty()) {
            throw new UnwindStop(StopReason.Kind.REGISTER_UNKNOWN, "the return address (lr) of this frame is not known");
        }
        long sp = regs.get(RegisterSet.SP).orElse(-1);
        for (int r : new int[] {RegisterSet.MSP, RegisterSet.PSP}) {
            if (regs.has(r) && regs.value(r) == sp) {
                caller = caller.with(r, cfa);
            }
        }
        caller = caller.with(RegisterSet.SP, cfa).with(RegisterSet.PC, ra.getAsLong() & ~1L);
        return new Step(caller, cfa, ra.getAsLong(), method, RegisterSet.empty(), carried);
    }
}
