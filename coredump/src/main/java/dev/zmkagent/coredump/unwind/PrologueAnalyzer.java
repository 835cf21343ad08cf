package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.unwind.cfi.RegisterRule;
import dev.zmkagent.coredump.unwind.cfi.UnwindRow;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Unwinds a function that has no CFI (Zephyr's assembly: {@code _isr_wrapper}, {@code arch_cpu_idle},
 * {@code z_arm_pendsv}, ...) by decoding its Thumb prologue from the function start up to the pc, as gdb's
 * {@code thumb_analyze_prologue} does: {@code push {..., lr}} (16-bit and {@code push.w}/{@code stmdb sp!}),
 * {@code str.w rX, [sp, #-4]!}, {@code sub sp, #imm} (16-bit, {@code sub.w}, {@code subw}), {@code vpush}
 * and {@code add r7, sp, #imm} / {@code mov r7, sp} (the frame pointer). Analysis stops at the first branch, call,
 * return or sp write it does not understand (the latter makes it give up rather than guess).
 *
 * <p>A row found from sp holds at the pc only if sp did not move between where the analysis stopped and the pc. That
 * is proved when the analysis reached the pc (for a caller: the call that ends at its return address), or when no
 * instruction of the rest of the function moves sp down ({@link Analysis#spMovedAt}). A function with alloca or a
 * variable-length array fails that test: GCC sets up r7 as frame pointer and later moves sp by a computed amount
 * ({@code sub sp, sp, rN}), usually after a branch, where the analysis has already stopped.
 */
final class PrologueAnalyzer {
    private static final int MAX_BYTES = 96;
    /** How far the rest of a function is searched for an sp move (longer functions count as unchecked). */
    static final int MAX_FUNCTION_BYTES = 64 * 1024;

    private PrologueAnalyzer() {
    }

    /**
     * What the analysis found at a pc.
     *
     * @param row          the unwind row from sp (CFA = sp + offset) as the analysed instructions leave it
     * @param stoppedAt    the address of the first instruction not analysed
     * @param reachedPc    every instruction from the function start up to the pc was analysed (for a caller frame the
     *                     analysis ended at the call that returns to the pc), so the row holds at the pc
     * @param framePointer the analysed prologue set up r7 as frame pointer: r7 = CFA - this value
     * @param spMovedAt    the first instruction after {@code stoppedAt} in the function that moves sp down (a push, a
     *                     {@code sub sp} by an immediate or a register, or sp set from a register other than r7); empty
     *                     when the function has none, or when its end is not known ({@link #restChecked} false)
     * @param restChecked  the rest of the function (to its end, from the ELF symbol's size) was searched for sp moves
     */
    record Analysis(UnwindRow row, long stoppedAt, boolean reachedPc, OptionalLong framePointer, OptionalLong spMovedAt,
                    boolean restChecked) {
        /** The sp-based row holds at the pc: the analysis reached it, or nothing after where it stopped moves sp. */
        boolean holdsAtPc() {
            return reachedPc || restChecked && spMovedAt.isEmpty();
        }
    }

    /** The unwind row at {@code pc} for a function starting at {@code start}, or empty if the prologue is not understood. */
    static Optional<UnwindRow> analyze(CodeReader code, long start, long pc) {
        return analysis(code, start, start, pc).map(Analysis::row);
    }

    /**
     * The analysis of the function {@code [start, end)} at {@code pc} ({@code end <= start} when its end is not known),
     * or empty if the prologue is not understood.
     */
    static Optional<Analysis> analysis(CodeReader code, long start, long end, long pc) {
        long framePointer = -1;
        boolean reached = false;
        long spOffset = 0; // bytes the function has moved sp down by
        long[] savedAt = new long[16]; // offset below the CFA of each saved register, 0 = not saved
        long addr = start;
        long limit = Math.min(pc, start + MAX_BYTES);
        while (addr < limit) {
            OptionalInt h = code.halfword(addr);
            if (h.isEmpty()) {
                return Optional.empty();
            }
            int hw1 = h.getAsInt();
            if (CodeReader.isWide(hw1)) {
                OptionalInt h2 = code.halfword(addr + 2);
                if (h2.isEmpty()) {
                    return Optional.empty();
                }
                int hw2 = h2.getAsInt();
                if (hw1 == 0xE92D && (hw2 & 0xA000) == 0) { // push.w / stmdb sp!, {list}
                    spOffset = push(hw2 & 0x5FFF, spOffset, savedAt);
                } else if (hw1 == 0xF84D && (hw2 & 0x0FFF) == 0x0D04) { // str.w rt, [sp, #-4]!
                    spOffset = push(1 << (hw2 >>> 12), spOffset, savedAt);
                } else if ((hw1 & 0xFBEF) == 0xF1AD && (hw2 & 0x8F00) == 0x0D00) { // sub.w sp, sp, #const
                    spOffset += thumbExpandImm(((hw1 >>> 10) & 1) << 11 | ((hw2 >>> 12) & 7) << 8 | (hw2 & 0xFF));
                } else if ((hw1 & 0xFBFF) == 0xF2AD && (hw2 & 0x8F00) == 0x0D00) { // subw sp, sp, #imm12
                    spOffset += ((hw1 >>> 10) & 1) << 11 | ((hw2 >>> 12) & 7) << 8 | (hw2 & 0xFF);
                } else if ((hw1 & 0xFFBF) == 0xED2D && (hw2 & 0x0E00) == 0x0A00) { // vpush / vstmdb sp!
                    spOffset += (hw2 & 0xFF) * 4L;
                } else if ((hw1 & 0xF800) == 0xF000 && (hw2 & 0x8000) != 0) {
                    // a caller frame: the call (bl, blx) that returns to pc
                    reached = addr + 4 == pc && ((hw2 & 0xD000) == 0xD000 || (hw2 & 0xD001) == 0xC000);
                    break; // b.w, bl, blx, conditional branches: the prologue is over
                } else if (writesSp32(hw1, hw2)) {
                    return Optional.empty();
                }
                addr += 4;
                continue;
            }
            if ((hw1 & 0xFE00) == 0xB400) { // push {rlist[, lr]}
                int list = (hw1 & 0xFF) | ((hw1 & 0x100) != 0 ? 1 << 14 : 0);
                spOffset = push(list, spOffset, savedAt);
            } else if ((hw1 & 0xFF80) == 0xB080) { // sub sp, #imm7*4
                spOffset += (hw1 & 0x7F) * 4L;
            } else if ((hw1 & 0xFF00) == 0xAF00 || hw1 == 0x466F) {
                // add r7, sp, #imm / mov r7, sp: the frame pointer, r7 = sp + imm = CFA - (spOffset - imm)
                framePointer = spOffset - ((hw1 & 0xFF00) == 0xAF00 ? (hw1 & 0xFF) * 4L : 0);
            } else if ((hw1 & 0xF000) == 0xD000 || (hw1 & 0xF800) == 0xE000 || (hw1 & 0xF500) == 0xB100
                    || (hw1 & 0xFF00) == 0xBD00 || (hw1 & 0xFF00) == 0xBC00 || (hw1 & 0xFF00) == 0x4700) {
                reached = (hw1 & 0xFF87) == 0x4780 && addr + 2 == pc; // blx rN returning to pc
                break; // branch, cbz/cbnz, pop, bx/blx: stop
            } else if ((hw1 & 0xFF80) == 0xB000 || (hw1 & 0xFF87) == 0x4685 || (hw1 & 0xFF87) == 0x4485) {
                return Optional.empty(); // add sp / mov sp, rX / add sp, rX in a prologue: not understood
            }
            addr += 2;
        }
        if (addr >= pc) {
            reached = true;
        }
        UnwindRow row = new UnwindRow();
        row.setCfa(RegisterSet.SP, spOffset);
        for (int r = 0; r < 16; r++) {
            if (savedAt[r] != 0) {
                row.setRule(r, RegisterRule.offset(-savedAt[r]));
            }
        }
        boolean checked = end > addr && end - addr <= MAX_FUNCTION_BYTES;
        OptionalLong moved = checked && !reached ? firstSpMove(code, addr, end) : OptionalLong.empty();
        if (moved.isPresent() && moved.getAsLong() < 0) {
            moved = OptionalLong.empty();
            checked = false; // code that could not be read
        }
        return Optional.of(new Analysis(row, addr, reached, framePointer >= 0 ? OptionalLong.of(framePointer) : OptionalLong.empty(),
                moved, checked));
    }

    /**
     * An instruction that moves sp down or sets it from a register.
     *
     * @param what    what it is, e.g. "a push of 8 bytes (push {r0, lr})", "sp set from a register (mov sp, r3)"
     * @param runTime the amount is only known at run time (sp set from, or moved by, a register), as GCC's code for
     *                alloca and variable-length arrays does; false for a push or a sub by an immediate
     */
    record SpMove(String what, boolean runTime) {
    }

    /** The sp move at {@code addr} (as {@link Analysis#spMovedAt} names it), or empty if the code there is not one. */
    static Optional<SpMove> spMove(CodeReader code, long addr) {
        OptionalInt h = code.halfword(addr);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        if (!CodeReader.isWide(h.getAsInt())) {
            return Optional.ofNullable(spMove(h.getAsInt(), -1));
        }
        OptionalInt h2 = code.halfword(addr + 2);
        return h2.isEmpty() ? Optional.empty() : Optional.ofNullable(spMove(h.getAsInt(), h2.getAsInt()));
    }

    /**
     * Classifies one instruction ({@code hw2} -1 for a 16-bit one): an sp move, or null. Epilogues ({@code add sp,
     * #imm}, {@code mov sp, r7} and {@code mov.w sp, r7}, pops) raise sp back and are none.
     */
    private static SpMove spMove(int hw1, int hw2) {
        if (hw2 >= 0) {
            if (hw1 == 0xE92D) {
                return new SpMove(String.format("a push of %d bytes (push.w)", 4 * Integer.bitCount(hw2 & 0x5FFF)), false);
            }
            if (hw1 == 0xF84D && (hw2 & 0x0FFF) == 0x0D04) {
                return new SpMove(String.format("a push of 4 bytes (str.w r%d, [sp, #-4]!)", hw2 >>> 12), false);
            }
            if ((hw1 & 0xFFBF) == 0xED2D) {
                return new SpMove(String.format("a push of %d bytes (vpush)", (hw2 & 0xFF) * 4), false);
            }
            if ((hw1 & 0xFBEF) == 0xF1AD && (hw2 & 0x8F00) == 0x0D00) {
                long n = thumbExpandImm(((hw1 >>> 10) & 1) << 11 | ((hw2 >>> 12) & 7) << 8 | (hw2 & 0xFF));
                return new SpMove(String.format("a sub of %d bytes (sub.w sp, sp, #%d)", n, n), false);
            }
            if ((hw1 & 0xFBFF) == 0xF2AD && (hw2 & 0x8F00) == 0x0D00) {
                long n = ((hw1 >>> 10) & 1) << 11 | ((hw2 >>> 12) & 7) << 8 | (hw2 & 0xFF);
                return new SpMove(String.format("a sub of %d bytes (subw sp, sp, #%d)", n, n), false);
            }
            if ((hw1 & 0xFE00) == 0xEA00 && ((hw2 >>> 8) & 0xF) == 13) {
                if (hw1 == 0xEA4F && hw2 == 0x0D07) {
                    return null; // mov.w sp, r7: the epilogue of a frame-pointer function
                }
                if ((hw1 & 0xFFEF) == 0xEBAD) {
                    return new SpMove(String.format("sp lowered by a register (sub.w sp, sp, r%d)", hw2 & 0xF), true);
                }
                return new SpMove((hw1 & 0xFFEF) == 0xEA4F
                        ? String.format("sp set from a register (mov.w sp, r%d)", hw2 & 0xF)
                        : "sp set from a register computation (a 32-bit data-processing instruction)", true);
            }
            return null;
        }
        if ((hw1 & 0xFE00) == 0xB400) {
            return new SpMove(String.format("a push of %d bytes (push)", 4 * Integer.bitCount(hw1 & 0x1FF)), false);
        }
        if ((hw1 & 0xFF80) == 0xB080) {
            return new SpMove(String.format("a sub of %d bytes (sub sp, #%d)", (hw1 & 0x7F) * 4, (hw1 & 0x7F) * 4), false);
        }
        if ((hw1 & 0xFF87) == 0x4685 && ((hw1 >>> 3) & 0xF) != 7) {
            return new SpMove(String.format("sp set from a register (mov sp, r%d)", (hw1 >>> 3) & 0xF), true);
        }
        if ((hw1 & 0xFF87) == 0x4485) {
            return new SpMove(String.format("sp moved by a register (add sp, r%d)", (hw1 >>> 3) & 0xF), true);
        }
        return null;
    }

    /**
     * The first instruction in {@code [from, end)} that moves sp down or sets it from a register other than the frame
     * pointer r7 ({@link #spMove(int, int)}), decoding linearly and skipping literal pools the ELF's mapping symbols
     * ({@code $d}) mark (without them a literal decodes as something too: at worst a false hit, which only makes the
     * caller more careful); -1 when code there cannot be read.
     */
    private static OptionalLong firstSpMove(CodeReader code, long from, long end) {
        long addr = from;
        while (addr < end) {
            if (code.isDataInCode(addr)) {
                addr += 2;
                continue;
            }
            OptionalInt h = code.halfword(addr);
            if (h.isEmpty()) {
                return OptionalLong.of(-1);
            }
            int hw1 = h.getAsInt();
            int hw2 = -1;
            if (CodeReader.isWide(hw1)) {
                OptionalInt h2 = code.halfword(addr + 2);
                if (h2.isEmpty()) {
                    return OptionalLong.of(-1);
                }
                hw2 = h2.getAsInt();
            }
            if (spMove(hw1, hw2) != null) {
                return OptionalLong.of(addr);
            }
            addr += hw2 >= 0 ? 4 : 2;
        }
        return OptionalLong.empty();
    }

    /** Applies a push of {@code list} (bit n = rn); lowest register at the lowest address. */
    private static long push(int list, long spOffset, long[] savedAt) {
        int count = Integer.bitCount(list);
        long newOffset = spOffset + 4L * count;
        long slot = newOffset;
        for (int r = 0; r < 16; r++) {
            if ((list & (1 << r)) != 0) {
                savedAt[r] = slot;
                slot -= 4;
            }
        }
        return newOffset;
    }

    private static boolean writesSp32(int hw1, int hw2) {
        // data-processing (modified immediate / plain binary immediate / register) with Rd = sp
        boolean dataProcessing = (hw1 & 0xFA00) == 0xF000 && (hw2 & 0x8000) == 0 || (hw1 & 0xFE00) == 0xEA00;
        return dataProcessing && ((hw2 >>> 8) & 0xF) == 13;
    }

    static long thumbExpandImm(int imm12) {
        int imm8 = imm12 & 0xFF;
        if ((imm12 >>> 10) == 0) {
            switch ((imm12 >>> 8) & 3) {
                case 0: return imm8;
                case 1: return (long) imm8 << 16 | imm8;
                case 2: return (long) imm8 << 24 | (long) imm8 << 8;
                default: return ((long) imm8 << 24 | (long) imm8 << 16 | (long) imm8 << 8 | imm8) & 0xFFFF_FFFFL;
            }
        }
        int unrotated = 0x80 | (imm12 & 0x7F);
        int rot = (imm12 >>> 7) & 0x1F;
        return Integer.rotateRight(unrotated, rot) & 0xFFFF_FFFFL;
    }
}
