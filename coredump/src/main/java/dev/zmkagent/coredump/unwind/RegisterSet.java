package dev.zmkagent.coredump.unwind;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The Cortex-M core registers known in one frame. A register is either known (a 32-bit value) or absent; absent
 * means "cannot be recovered here", never zero. Immutable: every change returns a new set.
 *
 * <p>Numbers follow DWARF for ARM for r0–r15 (13 = sp, 14 = lr, 15 = pc); {@link #XPSR}, {@link #MSP} and
 * {@link #PSP} are ours (DWARF has no numbers for them).
 */
public final class RegisterSet {
    public static final int SP = 13;
    public static final int LR = 14;
    public static final int PC = 15;
    public static final int XPSR = 16;
    public static final int MSP = 17;
    public static final int PSP = 18;
    public static final int COUNT = 19;

    private static final RegisterSet EMPTY = new RegisterSet(new long[COUNT], 0);

    private final long[] values;
    private final int known;

    private RegisterSet(long[] values, int known) {
        this.values = values;
        this.known = known;
    }

    public static RegisterSet empty() {
        return EMPTY;
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

    /** Register number for a name as gdb prints it (r0..r12, sp, lr, pc, xpsr, msp, psp), or -1. */
    public static int number(String name) {
        for (int r = 0; r < COUNT; r++) {
            if (name(r).equals(name)) {
                return r;
            }
        }
        return "r13".equals(name) ? SP : "r14".equals(name) ? LR : "r15".equals(name) ? PC : -1;
    }

    public boolean has(int reg) {
        return reg >= 0 && reg < COUNT && (known & (1 << reg)) != 0;
    }

    public OptionalLong get(int reg) {
        return has(reg) ? OptionalLong.of(values[reg]) : OptionalLong.empty();
    }

    /** The value of a register the caller has checked with {@link #has}. */
    public long value(int reg) {
        if (!has(reg)) {
            throw new IllegalStateException(name(reg) + " is not known");
        }
        return values[reg];
    }

    public RegisterSet with(int reg, long value) {
        if (reg < 0 || reg >= COUNT) {
            throw new IllegalArgumentException("no register " + reg);
        }
        long[] v = values.clone();
        v[reg] = value & 0xFFFF_FFFFL;
        return new RegisterSet(v, known | (1 << reg));
    }

    public RegisterSet with(int reg, OptionalLong value) {
        return value.isPresent() ? with(reg, value.getAsLong()) : without(reg);
    }

    public RegisterSet without(int reg) {
        if (!has(reg)) {
            return this;
        }
        return new RegisterSet(values, known & ~(1 << reg));
    }

    public int knownCount() {
        return Integer.bitCount(known);
    }

    /** Known registers in number order, named as gdb names them. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int r = 0; r < COUNT; r++) {
            if (has(r)) {
                m.put(name(r), values[r]);
            }
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RegisterSet)) {
            return false;
        }
        RegisterSet other = (RegisterSet) o;
        if (other.known != known) {
            return false;
        }
        for (int r = 0; r < COUNT; r++) {
            if (has(r) && values[r] != other.values[r]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = known;
        for (int r = 0; r < COUNT; r++) {
            if (has(r)) {
                h = h * 31 + Long.hashCode(values[r]);
            }
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        asMap().forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(String.format("0x%08x", v)));
        return sb.append('}').toString();
    }
}
