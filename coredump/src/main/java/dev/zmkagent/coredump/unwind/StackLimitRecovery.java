package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.cortexm.ArmArchitecture;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.Memory;
import dev.zmkagent.coredump.unwind.cfi.CfiInterpreter;
import dev.zmkagent.coredump.unwind.cfi.Fde;
import dev.zmkagent.coredump.unwind.cfi.RegisterRule;
import dev.zmkagent.coredump.unwind.cfi.UnwindRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The call chain of a thread stopped by the Armv8-M stack limit (PSPLIM, Zephyr's CONFIG_BUILTIN_STACK_GUARD), when
 * the core could not stack the exception frame: on a stacking violation it sets psp to the limit and stacks nothing
 * (Armv8-M ARM, exception entry; Zephyr 4.1 fault.c usage_fault(): "Stack overflow (context area not valid)"), so the
 * dump's registers are whatever lay at the bottom of the stack (pc = lr = 0 on a stack never used that deep).
 *
 * <p>The chain is rebuilt from the thread's stack, from the limit upwards, and only from evidence:
 * <ol>
 *   <li>the lowest word that is a Thumb return address whose instruction before is a {@code BL} to a function T;</li>
 *   <li>T's call-frame information saves lr there: the word sits where T's CFI says T's prologue stores lr, which
 *       gives T's CFA (its caller's sp), and T's whole frame (the largest CFA offset in its CFI) reaches below the
 *       limit: T overflowed in its own prologue, so it was the innermost function and called nothing;</li>
 *   <li>from the return address and T's CFA (and the registers T's CFI says it saved) the normal unwinder continues
 *       and must reach the thread's entry; every frame it finds is a caller reached by a real call.</li>
 * </ol>
 * A stale return address of an earlier, shallower call cannot pass (2): a frame that was once allocated fitted above
 * the limit. When no word passes all three, nothing is rebuilt.
 *
 * <p>When T ends in tail calls (DWARF {@code DW_AT_call_tail_call} sites, or a {@code b}/{@code b.w} to the start of
 * another function in T's code), a function T jumped to, U, may be the one that overflowed: U's prologue saves the
 * same return address, and T's checks pass as well. Then the overflowing function is not claimed: it is "T or a
 * function T tail-called" ({@link Result#tailCalled}), frame 0 has no name, and the callers are rebuilt only when
 * every such function's CFI puts lr in the same place (so the caller's sp is the same whichever it was); of r4-r11
 * only what all of them save at the same offset is kept. A tail call through a register (its target unknown) or to a
 * function without CFI: nothing is rebuilt.
 *
 * <p>When nothing is rebuilt, {@link Attempt#refusal} says why, in a sentence for the report: the first refusal of the
 * lowest word that passed (1) and (2) (a tail call through a pointer, a tail-called function without CFI or saving lr
 * elsewhere, an unwind from the return address that does not reach the thread's entry), else that no word passed.
 */
public final class StackLimitRecovery {
    private static final int DW_SP = 13;
    private static final int DW_LR = 14;
    /** At most this many instructions of one function are looked at for its largest CFI row. */
    private static final int MAX_ROWS = 512;

    /**
     * @param backtrace      frame 0: the overflowing function (no pc: it was never stacked), then its callers
     *                       (RECOVERED), ending at the thread's entry
     * @param function       the function that overflowed
     * @param returnSlot     where its saved lr (the innermost return address) lies
     * @param cfa            its canonical frame address (its caller's sp)
     * @param frameBytes     how much stack its prologue allocates below the CFA
     * @param bytesBelow     how far below the limit its frame would have reached
     * @param caller         its caller's registers as rebuilt (pc = the return address, sp = cfa, saved registers)
     * @param tailCalled     empty when {@code function} surely overflowed; else the functions {@code function} tail-called
     *                       (directly or on), any of which may be the one that overflowed instead (frame 0 is then
     *                       unnamed, and {@code frameBytes}/{@code bytesBelow} are {@code function}'s own)
     */
    public record Result(Backtrace backtrace, String function, long limit, long returnSlot, long cfa, long frameBytes,
                         long bytesBelow, RegisterSet caller, List<String> tailCalled) {
        public Result {
            tailCalled = List.copyOf(tailCalled);
        }

        /** True when the overflowing function is known ({@code function}); false when it may be one it tail-called. */
        public boolean certain() {
            return tailCalled.isEmpty();
        }

        /** "T" or "T or a function it tail-called (U, V)", for sentences. */
        public String overflowing() {
            return certain() ? function : function + " or a function it tail-called (" + String.join(", ", tailCalled) + ")";
        }
    }

    /**
     * What {@link #attempt} found: the rebuilt chain, or (empty {@code result}) why none was rebuilt; both empty when
     * the crash is not a stack-limit overflow whose frame the core could not stack (nothing was tried): then the dump's
     * registers do not show a failed stacking ({@link #nothingStacked}), and no sentence may claim one.
     */
    public record Attempt(Optional<Result> result, Optional<String> refusal) {
        static Attempt notTried() {
            return new Attempt(Optional.empty(), Optional.empty());
        }
    }

    /** One candidate's outcome: a result, or why it was refused (null: not a candidate at all, no reason worth telling). */
    private record Candidate(Result result, String refusal) {
        static final Candidate NONE = new Candidate(null, null);

        static Candidate refused(String why, Object... args) {
            return new Candidate(null, String.format(why, args));
        }
    }

    private StackLimitRecovery() {
    }

    /**
     * The crash of a dump, if it is a stack overflow stopped by the Armv8-M stack limit where the core could not stack
     * the exception frame: reason K_ERR_STACK_CHK_FAIL (2, CONFIG_BUILTIN_STACK_GUARD's STKOF), a core with PSPLIM
     * ({@code arch}), the dump's frame at the bottom of the crashing thread's stack (psp = PSPLIM = stack_info.start,
     * which is the stack object's start or just above an MPU guard carved from it) with pc = lr = never-written stack
     * ({@link #nothingStacked}), and registers there that do not unwind ({@code normal} did not reach the thread's
     * entry). A frame the core did stack at the limit unwinds
     * normally and is left alone. The stack is the crashing thread's from the thread list, else the ELF object that
     * holds psp.
     */
    public static Optional<Result> forCrash(long reason, ArmArchitecture arch, FaultContext.Resolved start, Backtrace normal,
                                            Optional<AddressRange> threadStack, Unwinder unwinder, Memory memory, UnwindOptions options) {
        return attempt(reason, arch, start, normal, threadStack, unwinder, memory, options).result();
    }

    /** {@link #forCrash}, and when the crash is such an overflow but nothing could be rebuilt, why. */
    public static Attempt attempt(long reason, ArmArchitecture arch, FaultContext.Resolved start, Backtrace normal,
                                  Optional<AddressRange> threadStack, Unwinder unwinder, Memory memory, UnwindOptions options) {
        if (reason != 2 || !arch.hasStackLimit() || start.frameAddress().isEmpty() || normal.stopReason().isClean()) {
            return Attempt.notTried();
        }
        long psp = start.frameAddress().getAsLong();
        Optional<AddressRange> stack = threadStack.or(() -> unwinder.elf().symbols().containing(psp).filter(ElfSymbol::isObject)
                .map(sym -> new AddressRange(sym.address(), sym.address() + sym.size())));
        if (stack.isEmpty() || psp >= stack.get().end() || !nothingStacked(start.registers(), psp, stack.get())) {
            // a frame the core did stack near the bottom of the stack (__stack_chk_fail's svc, a fault with real pc and
            // lr) is the crashed context: nothing to rebuild, and no word that the core could not stack it
            return Attempt.notTried();
        }
        return attemptRecover(unwinder, memory, psp, stack.get(), options);
    }

    /** The never-written stack Zephyr's 0xAA fill leaves (CONFIG_INIT_STACKS, kernel/thread.c setup_thread_stack()). */
    private static final long STACK_FILL = 0xAAAA_AAAAL;

    /**
     * True when the dump's registers are what a failed stacking leaves, as far as a dump can show it: psp is the stack
     * limit itself (PSPLIM = {@code stack_info.start}, Zephyr's swap_helper.S/thread.c configure_builtin_stack_guard(),
     * the start of {@code stack}), where the core put it without stacking anything, and pc = lr = a never-written
     * stack word (0, or the 0xAA fill): no stacked frame has pc and lr both 0 (a jump to 0 leaves its caller in lr).
     */
    static boolean nothingStacked(RegisterSet regs, long psp, AddressRange stack) {
        if (psp != stack.start() || !regs.has(RegisterSet.PC) || !regs.has(RegisterSet.LR)) {
            return false;
        }
        long pc = regs.value(RegisterSet.PC);
        return pc == regs.value(RegisterSet.LR) && (pc == 0 || pc == STACK_FILL);
    }

    /**
     * @param limit the stack limit the core stopped at: psp after the failed stacking (= PSPLIM = the thread's
     *              stack_info.start)
     * @param stack the thread's stack; the search runs from {@code limit} to its end
     */
    public static Optional<Result> recover(Unwinder unwinder, Memory memory, long limit, AddressRange stack, UnwindOptions options) {
        return attemptRecover(unwinder, memory, limit, stack, options).result();
    }

    /** {@link #recover}, and why nothing was rebuilt when it was not. */
    public static Attempt attemptRecover(Unwinder unwinder, Memory memory, long limit, AddressRange stack, UnwindOptions options) {
        CodeReader code = new CodeReader(unwinder.elf(), memory);
        String firstRefusal = null;
        for (long slot = (limit + 3) & ~3L; slot + 4 <= stack.end(); slot += 4) {
            OptionalLong w = memory.u32(slot);
            if (w.isEmpty()) {
                return refused(firstRefusal != null ? firstRefusal : String.format(
                        "the stack word at 0x%08x is not in the dump, and no return address below it led to the thread's entry", slot));
            }
            long ret = w.getAsLong() & ~1L;
            if ((w.getAsLong() & 1) == 0 || !code.isCode(ret) || !code.isCode(ret - 4)) {
                continue;
            }
            OptionalLong target = blTarget(code, ret);
            if (target.isEmpty()) {
                continue;
            }
            Candidate c = tryCandidate(unwinder, memory, code, limit, slot, ret, target.getAsLong(), options);
            if (c.result() != null) {
                return new Attempt(Optional.of(c.result()), Optional.empty());
            }
            if (firstRefusal == null && c.refusal() != null) {
                firstRefusal = c.refusal(); // the innermost evidence: the word nearest the limit that was a candidate
            }
        }
        return refused(firstRefusal != null ? firstRefusal : String.format("no word of the stack from the limit 0x%08x up is a return"
                + " address after a call to a function whose frame (by its call-frame information) would reach below the limit", limit));
    }

    private static Attempt refused(String why) {
        return new Attempt(Optional.empty(), Optional.of(why));
    }

    private static Candidate tryCandidate(Unwinder unwinder, Memory memory, CodeReader code, long limit, long slot, long ret,
                                          long target, UnwindOptions options) {
        Optional<ElfSymbol> fn = unwinder.elf().symbols().functionAt(target).filter(s -> s.address() == target);
        Optional<Fde> fde = unwinder.fdeIndex().find(target);
        if (fn.isEmpty() || fde.isEmpty() || fde.get().start() != target) {
            return Candidate.NONE;
        }
        UnwindRow full = largestSpFrame(fde.get(), code);
        if (full == null) {
            return Candidate.NONE;
        }
        RegisterRule lr = full.rule(DW_LR);
        if (lr.type() != RegisterRule.Type.OFFSET) {
            return Candidate.NONE;
        }
        long cfa = slot - lr.offset();
        long frameBytes = full.cfaOffset();
        long lowest = cfa - frameBytes;
        if (lowest >= limit) {
            return Candidate.NONE; // its whole frame fits: it did not overflow in its prologue (or the word is stale)
        }
        String name = fn.get().name();
        String evidence = String.format("the lowest return address on the stack that could be the overflowing function's (0x%08x, saved at"
                + " 0x%08x) follows a call to %s, whose frame would reach below the limit", ret, slot, name);
        // T may have jumped on (tail calls): each function it reached that way saved the same return address in its
        // prologue, and may be the one that overflowed
        TailCalled jumped = tailCalled(unwinder, code, target);
        if (jumped.unknown().isPresent()) {
            // a jump whose target is not known: the overflowing function cannot be told
            return Candidate.refused("%s; but %s, so the function that overflowed (%s or one it jumped to) and its caller's stack"
                    + " pointer are not known", evidence, jumped.unknown().get(), name);
        }
        List<UnwindRow> rows = new ArrayList<>(List.of(full));
        List<String> others = new ArrayList<>();
        for (long u : jumped.functions()) {
            Optional<Fde> uf = unwinder.fdeIndex().find(u);
            UnwindRow ur = uf.isPresent() && uf.get().start() == u ? largestSpFrame(uf.get(), code) : null;
            String uname = unwinder.elf().symbols().functionAt(u).map(ElfSymbol::name).orElse(String.format("0x%08x", u));
            if (ur == null) {
                // no CFI: whether it saved this word, and where its frame ends, is not known
                return Candidate.refused("%s; but %s tail-calls %s, which has no call-frame information: whether %s overflowed, and"
                        + " where its caller's stack pointer was, is not known", evidence, name, uname, uname);
            }
            RegisterRule ulr = ur.rule(DW_LR);
            if (ulr.type() != RegisterRule.Type.OFFSET || slot - ulr.offset() - ur.cfaOffset() >= limit) {
                continue; // it saves no lr, or its whole frame fits above the limit: it did not overflow here
            }
            if (ulr.offset() != lr.offset()) {
                // it may have overflowed with another CFA: the caller's sp is not known for sure
                return Candidate.refused("%s; but %s, a function it tail-called, may have overflowed as well and saves lr at CFA%+d, %s at"
                        + " CFA%+d: the caller's stack pointer depends on which one overflowed", evidence, uname, ulr.offset(), name, lr.offset());
            }
            others.add(uname);
            rows.add(ur);
        }
        // lr as T's CFI restores it for the caller (the saved word), as gdb's unwinder gives it to frame 1
        RegisterSet caller = RegisterSet.empty().with(RegisterSet.PC, ret).with(RegisterSet.SP, cfa).with(RegisterSet.LR, memory.u32(slot).getAsLong());
        for (int r = 4; r <= 11; r++) {
            RegisterRule rule = full.rule(r);
            if (rule.type() == RegisterRule.Type.OFFSET && sameRule(rows, r, rule) && cfa + rule.offset() >= limit) {
                OptionalLong v = memory.u32(cfa + rule.offset());
                if (v.isPresent()) {
                    caller = caller.with(r, v.getAsLong());
                }
            }
        }
        Backtrace rest = unwinder.unwindFromReturnAddress(memory, caller, options);
        if (!rest.stopReason().isClean() || rest.frames().isEmpty()) {
            return Candidate.refused("%s; but the unwind from that return address does not reach the thread's entry (%s)", evidence,
                    rest.frames().isEmpty() ? "no frame" : rest.stopReason().sentence());
        }
        List<Frame> frames = new ArrayList<>();
        if (others.isEmpty()) {
            frames.add(new Frame(FrameKind.RECOVERED, OptionalLong.empty(), name, null, 0, false, RegisterSet.empty(),
                    OptionalLong.of(cfa), String.format("overflowed the stack limit 0x%08x in its prologue: its frame needs %d bytes below its CFA"
                            + " 0x%08x, %d bytes below the limit; the core could not stack the exception frame, so its pc was never saved",
                            limit, frameBytes, cfa, limit - lowest)));
        } else {
            // unnamed: the function that overflowed is one of several, and a frame named after the wrong one would be
            // a frame that was never there
            frames.add(new Frame(FrameKind.RECOVERED, OptionalLong.empty(), "??", null, 0, false, RegisterSet.empty(),
                    OptionalLong.of(cfa), String.format("overflowed the stack limit 0x%08x in its prologue: %s or a function it tail-called (%s),"
                            + " which saved the same return address; the core could not stack the exception frame, so its pc was never saved",
                            limit, name, String.join(", ", others))));
        }
        String saver = others.isEmpty() ? name : name + " or a function it tail-called";
        for (Frame f : rest.frames()) {
            String note = f == rest.frames().get(0)
                    ? String.format("recovered from the stack: return address 0x%08x saved at 0x%08x by %s (the instruction before it calls %s)",
                            ret, slot, saver, name)
                    : "recovered from the stack: " + f.note();
            frames.add(new Frame(f.kind(), f.pc(), f.function(), f.file(), f.line(), f.inlined(), f.registers(), f.cfa(), note));
        }
        return new Candidate(new Result(new Backtrace(frames, rest.stopReason(), rest.establishedAtStart(), rest.notes()), name, limit, slot, cfa,
                frameBytes, limit - lowest, caller, others), null);
    }

    /** True when every row has {@code rule} for register {@code r}. */
    private static boolean sameRule(List<UnwindRow> rows, int r, RegisterRule rule) {
        for (UnwindRow row : rows) {
            RegisterRule o = row.rule(r);
            if (o.type() != rule.type() || o.offset() != rule.offset()) {
                return false;
            }
        }
        return true;
    }

    /** At most this many functions are followed through tail calls from the BL's target. */
    private static final int MAX_TAIL_CALLED = 16;

    /**
     * The functions a function jumps to by tail calls, directly or on ({@code functions}); {@code unknown}: why they
     * are not all known (a jump through a register, or too many to follow), as words for a sentence; then
     * {@code functions} is empty.
     */
    record TailCalled(List<Long> functions, Optional<String> unknown) {
        static TailCalled unknown(String why, Object... args) {
            return new TailCalled(List.of(), Optional.of(String.format(why, args)));
        }
    }

    /**
     * The functions {@code entry} jumps to by tail calls, directly or on: from DWARF call sites
     * ({@code DW_AT_call_tail_call}) and from the code (a {@code b}/{@code b.w} to the start of another function).
     * Unknown when one of them goes through a register (its target unknown) or there are too many to follow.
     */
    static TailCalled tailCalled(Unwinder unwinder, CodeReader code, long entry) {
        java.util.LinkedHashSet<Long> found = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(List.of(entry));
        while (!todo.isEmpty()) {
            long f = todo.poll();
            List<Long> next = new ArrayList<>();
            if (unwinder.symbolizer() != null) {
                for (dev.zmkagent.coredump.symbols.CallSite s : unwinder.symbolizer().callSitesIn(f)) {
                    if (s.tailCall()) {
                        if (s.target().isEmpty()) {
                            String from = unwinder.elf().symbols().functionAt(f).map(ElfSymbol::name).orElse(String.format("0x%08x", f));
                            return TailCalled.unknown("%s jumps through a pointer (the tail call %s 0x%08x, whose target the DWARF call"
                                    + " sites do not name)", f == entry ? "it" : from + ", which it tail-calls,",
                                    s.callPc().isPresent() ? "at" : "just before", s.callPc().orElse(s.framePc()));
                        }
                        next.add(s.target().getAsLong());
                    }
                }
            }
            next.addAll(branchTargets(unwinder, code, f));
            for (long n : next) {
                if (n != entry && found.add(n)) {
                    if (found.size() > MAX_TAIL_CALLED) {
                        return TailCalled.unknown("it reaches more than %d functions by tail calls, more than the search follows",
                                MAX_TAIL_CALLED);
                    }
                    todo.add(n);
                }
            }
        }
        return new TailCalled(List.copyOf(found), Optional.empty());
    }

    /** Starts of other functions that an unconditional {@code b} (16-bit T2) or {@code b.w} (T4) in {@code entry}'s code jumps to. */
    private static List<Long> branchTargets(Unwinder unwinder, CodeReader code, long entry) {
        Optional<ElfSymbol> fn = unwinder.elf().symbols().functionAt(entry).filter(s -> s.address() == entry && s.size() > 0);
        List<Long> out = new ArrayList<>();
        if (fn.isEmpty()) {
            return out;
        }
        long end = entry + Math.min(fn.get().size(), 0x10000);
        for (long pc = entry; pc + 2 <= end; ) {
            OptionalInt a = code.halfword(pc);
            if (a.isEmpty()) {
                break;
            }
            int hw1 = a.getAsInt();
            long target = -1;
            if (CodeReader.isWide(hw1)) {
                OptionalInt b = code.halfword(pc + 2);
                if (b.isPresent() && (hw1 & 0xF800) == 0xF000 && (b.getAsInt() & 0xD000) == 0x9000) {
                    target = wideBranchTarget(hw1, b.getAsInt(), pc + 4); // B T4 has BL's immediate layout
                }
                pc += 4;
            } else {
                if ((hw1 & 0xF800) == 0xE000) { // B T2: imm11, pc-relative from pc + 4
                    long imm = (hw1 & 0x7FF) << 1;
                    if ((imm & 0x800) != 0) {
                        imm -= 0x1000;
                    }
                    target = (pc + 4 + imm) & 0xFFFF_FFFFL;
                }
                pc += 2;
            }
            if (target >= 0 && (target < entry || target >= end)) {
                long t = target;
                if (unwinder.elf().symbols().functionAt(t).filter(s -> s.address() == t).isPresent()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** The CFI row with the largest sp-based CFA offset in the function: its whole frame, after the prologue. */
    private static UnwindRow largestSpFrame(Fde fde, CodeReader code) {
        UnwindRow best = null;
        int n = 0;
        try {
            for (long pc = fde.start(); pc < fde.end() && n < MAX_ROWS; n++) {
                UnwindRow row = CfiInterpreter.rowAt(fde, pc);
                if (row.cfaExpression() == null && row.cfaRegister() == DW_SP && (best == null || row.cfaOffset() > best.cfaOffset())) {
                    best = row;
                }
                OptionalInt hw = code.halfword(pc);
                pc += hw.isPresent() && CodeReader.isWide(hw.getAsInt()) ? 4 : 2;
            }
        } catch (FormatException e) {
            return null;
        }
        return best;
    }

    /** The target of the 32-bit BL that ends just before {@code ret}; empty for anything else (BLX Rm has no fixed target). */
    static OptionalLong blTarget(CodeReader code, long ret) {
        OptionalInt a = code.halfword(ret - 4);
        OptionalInt b = code.halfword(ret - 2);
        if (a.isEmpty() || b.isEmpty()) {
            return OptionalLong.empty();
        }
        int hw1 = a.getAsInt();
        int hw2 = b.getAsInt();
        if ((hw1 & 0xF800) != 0xF000 || (hw2 & 0xD000) != 0xD000) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(wideBranchTarget(hw1, hw2, ret));
    }

    /** The target of a 32-bit BL or B.W (T4) whose halfwords are {@code hw1}, {@code hw2}, ending at {@code end}. */
    private static long wideBranchTarget(int hw1, int hw2, long end) {
        // BL T1 encoding: imm32 = SignExtend(S:I1:I2:imm10:imm11:0), I1 = NOT(J1 XOR S), I2 = NOT(J2 XOR S)
        int s = (hw1 >> 10) & 1;
        int imm10 = hw1 & 0x3FF;
        int j1 = (hw2 >> 13) & 1;
        int j2 = (hw2 >> 11) & 1;
        int imm11 = hw2 & 0x7FF;
        int i1 = ~(j1 ^ s) & 1;
        int i2 = ~(j2 ^ s) & 1;
        long imm = ((long) s << 24) | ((long) i1 << 23) | ((long) i2 << 22) | ((long) imm10 << 12) | ((long) imm11 << 1);
        if (s == 1) {
            imm -= 1L << 25;
        }
        return (end + imm) & 0xFFFF_FFFFL;
    }
}
