package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.unwind.cfi.RegisterRule;
import dev.zmkagent.coredump.unwind.cfi.UnwindRow;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Unwinds a function that has no CFI (Zephyr's assembly: {@code _isr_wrapper}, {@code arch_cpu_idle},
 * {@code z_arm_pendsv}, ...) by decoding its Thumb prologue from the function start up to the pc, as gdb's
 * {@code thumb_analyze_prologue} does: {@code push {..., lr}} (16-bit and {@code push.w}/{@code stmdb sp!}),
 * {@code str.w rX, [sp, #-4]!}, {@code sub sp, #imm} (16-bit, {@code sub.w}, {@code subw}), {@code vpush}
 * and {@code add r7, sp, #imm}. Analysis stops at the first branch, call, return or sp write it does not understand
 * (the latter makes it give up rather than guess).
 */
final class PrologueAnalyzer {
    private static final int MAX_BYTES = 96;

    private PrologueAnalyzer() {
    }

    /** The unwind row at {@code pc} for a function starting at {@code start}, or empty if the prologue is not understood. */
    static Optional<UnwindRow> analyze(CodeReader code, long start, long pc) {
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
                // add r7, sp, #imm / mov r7, sp: frame pointer setup; sp-relative analysis already covers it
            } else if ((hw1 & 0xF000) == 0xD000 || (hw1 & 0xF800) == 0xE000 || (hw1 & 0xF500) == 0xB100
                    || (hw1 & 0xFF00) == 0xBD00 || (hw1 & 0xFF00) == 0xBC00 || (hw1 & 0xFF00) == 0x4700) {
                break; // branch, cbz/cbnz, pop, bx/blx: stop
            } else if ((hw1 & 0xFF80) == 0xB000 || (hw1 & 0xFF87) == 0x4685 || (hw1 & 0xFF87) == 0x4485) {
                return Optional.empty(); // add sp / mov sp, rX / add sp, rX in a prologue: not understood
            }
            addr += 2;
        }
        UnwindRow row = new UnwindRow();
        row.setCfa(RegisterSet.SP, spOffset);
        for (int r = 0; r < 16; r++) {
            if (savedAt[r] != 0) {
                row.setRule(r, RegisterRule.offset(-savedAt[r]));
            }
        }
        return Optional.of(row);
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
