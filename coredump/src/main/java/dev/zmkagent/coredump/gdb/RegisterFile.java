package dev.zmkagent.coredump.gdb;

import java.util.Arrays;

/**
 * The registers gdb sees for one thread, numbered as our target description numbers them: r0–r12 (0–12), sp (13),
 * lr (14), pc (15), xpsr (16), then msp (17) and psp (18). A register is known or not; an unknown register is sent
 * as {@code xxxxxxxx} (unavailable), never as zero. Immutable.
 */
public final class RegisterFile {
    public static final int SP = 13;
    public static final int LR = 14;
    public static final int PC = 15;
    public static final int XPSR = 16;
    public static final int MSP = 17;
    public static final int PSP = 18;
    public static final int COUNT = 19;

    private static final RegisterFile EMPTY = new RegisterFile(new long[COUNT], 0);

    private final long[] values;
    private final int known;

    private RegisterFile(long[] values, int known) {
        this.values = values;
        this.known = known;
    }

    public static RegisterFile empty() {
        return EMPTY;
    }

    public RegisterFile with(int reg, long value) {
        check(reg);
        long[] v = Arrays.copyOf(values, COUNT);
        v[reg] = value & 0xFFFF_FFFFL;
        return new RegisterFile(v, known | (1 << reg));
    }

    public RegisterFile without(int reg) {
        check(reg);
        long[] v = Arrays.copyOf(values, COUNT);
        v[reg] = 0;
        return new RegisterFile(v, known & ~(1 << reg));
    }

    public boolean has(int reg) {
        return reg >= 0 && reg < COUNT && (known & (1 << reg)) != 0;
    }

    /** The value of a known register; asking for an unknown one is a bug. */
    public long value(int reg) {
        if (!has(reg)) {
            throw new IllegalStateException(name(reg) + " is not known");
        }
        return values[reg];
    }

    public static String name(int reg) {
        switch (reg) {
            case SP: return "sp";
            case LR: return "lr";
            case PC: return "pc";
            case XPSR: return "xpsr";
            case MSP: return "msp";
            case PSP: return "psp";
            default: return "r" + reg;
        }
    }

    private static void check(int reg) {
        if (reg < 0 || reg >= COUNT) {
            throw new IllegalArgumentException("no register " + reg);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int r = 0; r < COUNT; r++) {
            sb.append(r == 0 ? "" : ", ").append(name(r)).append('=').append(has(r) ? String.format("0x%08x", values[r]) : "?");
        }
        return sb.append('}').toString();
    }
}
