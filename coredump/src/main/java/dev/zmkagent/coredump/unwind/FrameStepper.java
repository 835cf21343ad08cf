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
                // caller's registers are, so combine the two.
                Optional<Long> start = functionStart(lookup);
                Optional<UnwindRow> analysed = start.flatMap(s -> PrologueAnalyzer.analyze(code, s, pc));
                if (analysed.isPresent() && regs.has(RegisterSet.SP)) {
                    String unknown = RegisterSet.name(row.cfaRegister());
                    // The CFI rule CFA = reg + n holds at this pc, so the frame register's value follows from the CFA.
                    long cfa = (regs.value(RegisterSet.SP) + analysed.get().cfaOffset()) & 0xFFFF_FFFFL;
                    long fromReg = row.cfaOffset();
                    established = established.with(row.cfaRegister(), cfa - fromReg);
                    UnwindRow merged = row.copy();
                    merged.setCfa(RegisterSet.SP, analysed.get().cfaOffset());
                    row = merged;
                    method = String.format("cfi with the CFA from prologue analysis (%s unknown; by the CFI it is CFA - %d = 0x%08x)",
                            unknown, fromReg, (cfa - fromReg) & 0xFFFF_FFFFL);
                }
            }
        } else {
            Optional<Long> start = functionStart(lookup);
            if (start.isEmpty()) {
                throw new UnwindStop(StopReason.Kind.NO_UNWIND_INFO, String.format(
                        "no call-frame information and no function symbol for pc 0x%08x", pc));
            }
            Optional<UnwindRow> analysed = PrologueAnalyzer.analyze(code, start.get(), pc);
            if (analysed.isEmpty()) {
                boolean cant = exidx.find(lookup).map(ExidxTable.Entry::cantUnwind).orElse(false);
                throw new UnwindStop(cant ? StopReason.Kind.UNSUPPORTED : StopReason.Kind.NO_UNWIND_INFO, String.format(
                        "no call-frame information for pc 0x%08x and its prologue at 0x%08x could not be analysed%s",
                        pc, start.get(), cant ? "; .ARM.exidx marks it EXIDX_CANTUNWIND" : ""));
            }
            row = analysed.get();
            method = "prologue analysis";
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
