package dev.zmkagent.coredump.values;

/**
 * Why (part of) a value could not be read, as data: the report words it with what it knows about the dump
 * ({@link MissingReasons}).
 *
 * @param kind     what was missing
 * @param number   the register number (REGISTER; {@link #CFA} for the frame's CFA), the address (MEMORY)
 * @param detail   for UNSUPPORTED / ERROR: what went wrong; for NOT_EVALUATED: what part of the value is not computed
 */
public record Missing(Kind kind, long number, String detail) {
    public enum Kind { OPTIMIZED_OUT, REGISTER, MEMORY, UNSUPPORTED, NOT_EVALUATED, ERROR }

    public static final Missing OPTIMIZED = new Missing(Kind.OPTIMIZED_OUT, 0, "");

    /** {@link Kind#REGISTER} with this number: the frame's CFA (its caller's sp) is not known. */
    public static final long CFA = -1;

    static Missing cfa() {
        return new Missing(Kind.REGISTER, CFA, "");
    }

    static Missing register(int reg) {
        return new Missing(Kind.REGISTER, reg, "");
    }

    static Missing memory(long address) {
        return new Missing(Kind.MEMORY, address & 0xFFFF_FFFFL, "");
    }

    static Missing unsupported(String what) {
        return new Missing(Kind.UNSUPPORTED, 0, what);
    }

    /** The location was evaluated, but part of the value's meaning is not computed (e.g. a VLA's run-time length). */
    static Missing notEvaluated(String what) {
        return new Missing(Kind.NOT_EVALUATED, 0, what);
    }

    static Missing error(String what) {
        return new Missing(Kind.ERROR, 0, what);
    }

    /** The value text gdb prints in its place. */
    public String gdbText() {
        switch (kind) {
            case OPTIMIZED_OUT:
                return "<optimized out>";
            case REGISTER:
                return "<unavailable>";
            case MEMORY:
                return String.format("<error: Cannot access memory at address 0x%x>", number);
            case NOT_EVALUATED:
                return "<not evaluated: " + detail + ">";
            default:
                return "<error: " + detail + ">";
        }
    }

    /** Thrown inside evaluation and reading; carries the {@link Missing}. */
    static final class Unavailable extends Exception {
        final Missing missing;

        Unavailable(Missing missing) {
            super(missing.toString(), null, false, false);
            this.missing = missing;
        }
    }
}
