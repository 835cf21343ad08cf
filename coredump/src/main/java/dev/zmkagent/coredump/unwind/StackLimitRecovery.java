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
     */
    public record Result(Backtrace backtrace, String function, long limit, long returnSlot, long cfa, long frameBytes,
                         long bytesBelow, RegisterSet caller) {
    }

    private StackLimitRecovery() {
    }

    /**
     * The crash of a dump, if it is a stack overflow stopped by the Armv8-M stack limit where the core could not stack
     * the exception frame: reason K_ERR_STACK_CHK_FAIL (2, CONFIG_BUILTIN_STACK_GUARD's STKOF), a core with PSPLIM
     * ({@code arch}), the dump's frame at the bottom of the crashing thread's stack (psp = PSPLIM = stack_info.start,
     * which is the stack object's start or just above an MPU guard carved from it), and registers there that do not
     * unwind ({@code normal} did not reach the thread's entry). A frame the core did stack at the limit unwinds
     * normally and is left alone. The stack is the crashing thread's from the thread list, else the ELF object that
     * holds psp.
     */
    public static Optional<Result> forCrash(long reason, ArmArchitecture arch, FaultContext.Resolved start, Backtrace normal,
                                            Optional<AddressRange> threadStack, Unwinder unwinder, Memory memory, UnwindOptions options) {
        if (reason != 2 || !arch.hasStackLimit() || start.frameAddress().isEmpty() || normal.stopReason().isClean()) {
            return Optional.empty();
        }
        long psp = start.frameAddress().getAsLong();
        Optional<AddressRange> stack = threadStack.or(() -> unwinder.elf().symbols().containing(psp).filter(ElfSymbol::isObject)
                .map(sym -> new AddressRange(sym.address(), sym.address() + sym.size())));
        if (stack.isEmpty() || psp < stack.get().start() || psp >= stack.get().start() + 64 || psp >= stack.get().end()) {
            return Optional.empty();
        }
        return recover(unwinder, memory, psp, stack.get(), options);
    }

    /**
     * @param limit the stack limit the core stopped at: psp after the failed stacking (= PSPLIM = the thread's
     *              stack_info.start)
     * @param stack the thread's stack; the search runs from {@code limit} to its end
     */
    public static Optional<Result> recover(Unwinder unwinder, Memory memory, long limit, AddressRange stack, UnwindOptions options) {
        CodeReader code = new CodeReader(unwinder.elf(), memory);
        for (long slot = (limit + 3) & ~3L; slot + 4 <= stack.end(); slot += 4) {
            OptionalLong w = memory.u32(slot);
            if (w.isEmpty()) {
                return Optional.empty();
            }
            long ret = w.getAsLong() & ~1L;
            if ((w.getAsLong() & 1) == 0 || !code.isCode(ret) || !code.isCode(ret - 4)) {
                continue;
            }
            OptionalLong target = blTarget(code, ret);
            if (target.isEmpty()) {
                continue;
            }
            Optional<Result> r = tryCandidate(unwinder, memory, code, limit, slot, ret, target.getAsLong(), options);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    private static Optional<Result> tryCandidate(Unwinder unwinder, Memory memory, CodeReader code, long limit, long slot, long ret,
                                                 long target, UnwindOptions options) {
        Optional<ElfSymbol> fn = unwinder.elf().symbols().functionAt(target).filter(s -> s.address() == target);
        Optional<Fde> fde = unwinder.fdeIndex().find(target);
        if (fn.isEmpty() || fde.isEmpty() || fde.get().start() != target) {
            return Optional.empty();
        }
        UnwindRow full = largestSpFrame(fde.get(), code);
        if (full == null) {
            return Optional.empty();
        }
        RegisterRule lr = full.rule(DW_LR);
        if (lr.type() != RegisterRule.Type.OFFSET) {
            return Optional.empty();
        }
        long cfa = slot - lr.offset();
        long frameBytes = full.cfaOffset();
        long lowest = cfa - frameBytes;
        if (lowest >= limit) {
            return Optional.empty(); // its whole frame fits: it did not overflow in its prologue (or the word is stale)
        }
        // lr as T's CFI restores it for the caller (the saved word), as gdb's unwinder gives it to frame 1
        RegisterSet caller = RegisterSet.empty().with(RegisterSet.PC, ret).with(RegisterSet.SP, cfa).with(RegisterSet.LR, memory.u32(slot).getAsLong());
        for (int r = 4; r <= 11; r++) {
            RegisterRule rule = full.rule(r);
            if (rule.type() == RegisterRule.Type.OFFSET && cfa + rule.offset() >= limit) {
                OptionalLong v = memory.u32(cfa + rule.offset());
                if (v.isPresent()) {
                    caller = caller.with(r, v.getAsLong());
                }
            }
        }
        Backtrace rest = unwinder.unwindFromReturnAddress(memory, caller, options);
        if (!rest.stopReason().isClean() || rest.frames().isEmpty()) {
            return Optional.empty();
        }
        List<Frame> frames = new ArrayList<>();
        frames.add(new Frame(FrameKind.RECOVERED, OptionalLong.empty(), fn.get().name(), null, 0, false, RegisterSet.empty(),
                OptionalLong.of(cfa), String.format("overflowed the stack limit 0x%08x in its prologue: its frame needs %d bytes below its CFA"
                        + " 0x%08x, %d bytes below the limit; the core could not stack the exception frame, so its pc was never saved",
                        limit, frameBytes, cfa, limit - lowest)));
        for (Frame f : rest.frames()) {
            String note = f == rest.frames().get(0)
                    ? String.format("recovered from the stack: return address 0x%08x saved at 0x%08x by %s (the instruction before it calls %s)",
                            ret, slot, fn.get().name(), fn.get().name())
                    : "recovered from the stack: " + f.note();
            frames.add(new Frame(f.kind(), f.pc(), f.function(), f.file(), f.line(), f.inlined(), f.registers(), f.cfa(), note));
        }
        return Optional.of(new Result(new Backtrace(frames, rest.stopReason()), fn.get().name(), limit, slot, cfa, frameBytes,
                limit - lowest, caller));
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
        return OptionalLong.of((ret + imm) & 0xFFFF_FFFFL);
    }
}
