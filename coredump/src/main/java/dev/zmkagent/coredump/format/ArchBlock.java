package dev.zmkagent.coredump.format;

/**
 * The Cortex-M architecture block ('A'). Version 1 (36 bytes) holds r0–r3, r12, lr, pc, xpsr, sp; version 2
 * (68 bytes) adds r4–r11, which Zephyr fills only with CONFIG_EXTRA_EXCEPTION_INFO (zeros otherwise); version 3
 * (76 bytes) adds whether the callee-saved registers are valid and their offset inside struct k_thread.
 *
 * <p>{@code calleeSavedKnown} says whether r4–r11 can be trusted: true for v3 with the valid flag, false for v1,
 * and for v2 only when they are not all zero (an all-zero set is the "not collected" pattern).
 */
public record ArchBlock(int version, long[] registers, boolean calleeSavedKnown, long calleeSavedOffset, int storedWords) {
    /** Where each register sits in the block: r0, r1, r2, r3, r12, lr, pc, xpsr, sp, then r4..r11. */
    private static final int[] STORED_POSITION = {0, 1, 2, 3, 9, 10, 11, 12, 13, 14, 15, 16, 4, 8, 5, 6, 7};

    /** A block holding all registers its version stores. */
    public ArchBlock(int version, long[] registers, boolean calleeSavedKnown, long calleeSavedOffset) {
        this(version, registers, calleeSavedKnown, calleeSavedOffset, version == 1 ? 9 : 17);
    }

    /** Index of each register in {@link #registers()}: r0..r12, sp, lr, pc, xpsr (gdb's order). */
    public static final int R0 = 0;
    public static final int R12 = 12;
    public static final int SP = 13;
    public static final int LR = 14;
    public static final int PC = 15;
    public static final int XPSR = 16;
    public static final int COUNT = 17;

    public long r(int index) {
        return registers[index];
    }

    public long sp() {
        return registers[SP];
    }

    public long pc() {
        return registers[PC];
    }

    public long lr() {
        return registers[LR];
    }

    public long xpsr() {
        return registers[XPSR];
    }

    /** Whether register {@code index} holds a real value: stored in the block, and for r4–r11 actually collected. */
    public boolean known(int index) {
        return STORED_POSITION[index] < storedWords && (index < 4 || index > 11 || calleeSavedKnown);
    }

    /** All nine basic registers (r0–r3, r12, lr, pc, xpsr, sp) are present: enough to unwind. */
    public boolean basicComplete() {
        return storedWords >= 9;
    }

    public static String name(int index) {
        switch (index) {
            case SP: return "sp";
            case LR: return "lr";
            case PC: return "pc";
            case XPSR: return "xpsr";
            default: return "r" + index;
        }
    }
}
