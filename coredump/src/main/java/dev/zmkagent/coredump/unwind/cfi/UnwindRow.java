package dev.zmkagent.coredump.unwind.cfi;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.Arrays;

/**
 * One row of the unwind table: how to compute the CFA and how to recover each core register (r0–r15) of the
 * caller at one pc. Produced by the CFI interpreter and by Thumb prologue analysis alike, so both unwind the same way.
 * Mutable while it is being built; {@link #copy()} snapshots it for remember_state.
 */
public final class UnwindRow {
    public static final int REGISTERS = 16;

    private int cfaRegister = 13;
    private long cfaOffset;
    private ByteView cfaExpression;
    private final RegisterRule[] rules;

    public UnwindRow() {
        rules = new RegisterRule[REGISTERS];
        Arrays.fill(rules, RegisterRule.UNSPECIFIED);
    }

    private UnwindRow(UnwindRow o) {
        cfaRegister = o.cfaRegister;
        cfaOffset = o.cfaOffset;
        cfaExpression = o.cfaExpression;
        rules = o.rules.clone();
    }

    public UnwindRow copy() {
        return new UnwindRow(this);
    }

    public int cfaRegister() {
        return cfaRegister;
    }

    public long cfaOffset() {
        return cfaOffset;
    }

    /** Non-null when the CFA is given by a DWARF expression (which we do not evaluate). */
    public ByteView cfaExpression() {
        return cfaExpression;
    }

    public void setCfa(int register, long offset) {
        cfaRegister = register;
        cfaOffset = offset;
        cfaExpression = null;
    }

    public void setCfaRegister(int register) {
        cfaRegister = register;
        cfaExpression = null;
    }

    public void setCfaOffset(long offset) {
        cfaOffset = offset;
    }

    public void setCfaExpression(ByteView expr) {
        cfaExpression = expr;
    }

    /** The rule for a register; registers outside r0–r15 (VFP, ...) are UNSPECIFIED. */
    public RegisterRule rule(int reg) {
        return reg >= 0 && reg < REGISTERS ? rules[reg] : RegisterRule.UNSPECIFIED;
    }

    /** Sets a rule; rules for registers we do not track (VFP d8–d15 and the like) are accepted and dropped. */
    public void setRule(int reg, RegisterRule rule) {
        if (reg >= 0 && reg < REGISTERS) {
            rules[reg] = rule;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(cfaExpression != null ? "cfa=expr" : "cfa=r" + cfaRegister + "+" + cfaOffset);
        for (int r = 0; r < REGISTERS; r++) {
            if (rules[r].type() != RegisterRule.Type.UNSPECIFIED) {
                sb.append(" r").append(r).append('=').append(rules[r]);
            }
        }
        return sb.toString();
    }
}
