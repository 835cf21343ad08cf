package dev.zmkagent.coredump.unwind.cfi;

import dev.zmkagent.coredump.bytes.ByteView;

/**
 * How to recover one register of the caller (DWARF 5 §6.4.1 register rules).
 *
 * @param type   the rule
 * @param offset for OFFSET / VAL_OFFSET: signed byte offset from the CFA
 * @param reg    for REGISTER: the register holding the value
 * @param expr   for EXPRESSION / VAL_EXPRESSION: the DWARF expression (not evaluated; refused with a stop reason)
 */
public record RegisterRule(Type type, long offset, int reg, ByteView expr) {
    public enum Type { UNSPECIFIED, UNDEFINED, SAME_VALUE, OFFSET, VAL_OFFSET, REGISTER, EXPRESSION, VAL_EXPRESSION }

    public static final RegisterRule UNSPECIFIED = new RegisterRule(Type.UNSPECIFIED, 0, -1, null);
    public static final RegisterRule UNDEFINED = new RegisterRule(Type.UNDEFINED, 0, -1, null);
    public static final RegisterRule SAME_VALUE = new RegisterRule(Type.SAME_VALUE, 0, -1, null);

    public static RegisterRule offset(long offset) {
        return new RegisterRule(Type.OFFSET, offset, -1, null);
    }

    public static RegisterRule valOffset(long offset) {
        return new RegisterRule(Type.VAL_OFFSET, offset, -1, null);
    }

    public static RegisterRule register(int reg) {
        return new RegisterRule(Type.REGISTER, 0, reg, null);
    }

    public static RegisterRule expression(ByteView expr, boolean valueExpression) {
        return new RegisterRule(valueExpression ? Type.VAL_EXPRESSION : Type.EXPRESSION, 0, -1, expr);
    }

    @Override
    public String toString() {
        switch (type) {
            case OFFSET: return "[cfa" + (offset >= 0 ? "+" : "") + offset + "]";
            case VAL_OFFSET: return "cfa" + (offset >= 0 ? "+" : "") + offset;
            case REGISTER: return "r" + reg;
            default: return type.name().toLowerCase();
        }
    }
}
