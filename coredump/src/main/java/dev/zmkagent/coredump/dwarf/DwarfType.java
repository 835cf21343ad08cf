package dev.zmkagent.coredump.dwarf;

import java.util.List;
import java.util.function.Supplier;

/**
 * A C type as DWARF describes it, read lazily (members, target and parameters are decoded on first use, so recursive
 * types cost nothing until printed). Sizes are DW_AT_byte_size, -1 when absent; lists are never sized from a DWARF
 * field, they grow with the DIEs actually present.
 */
public final class DwarfType {
    public enum Kind { BASE, POINTER, REFERENCE, STRUCT, UNION, CLASS, ARRAY, ENUM, TYPEDEF, CONST, VOLATILE, RESTRICT, ATOMIC, FUNCTION, VOID, UNKNOWN }

    /** DW_ATE_* encodings of base types. */
    public static final int ATE_ADDRESS = 0x1;
    public static final int ATE_BOOLEAN = 0x2;
    public static final int ATE_FLOAT = 0x4;
    public static final int ATE_SIGNED = 0x5;
    public static final int ATE_SIGNED_CHAR = 0x6;
    public static final int ATE_UNSIGNED = 0x7;
    public static final int ATE_UNSIGNED_CHAR = 0x8;
    public static final int ATE_UTF = 0x10;

    /** A struct or union member: bit fields have bitSize > 0 and bitOffset counted from the member's byte offset. */
    public record Member(String name, DwarfType type, long byteOffset, int bitSize, int bitOffset) {
    }

    public record Enumerator(String name, long value) {
    }

    /**
     * {@code count} is -1 when the dimension's size is unknown (a flexible array), {@link #RUN_TIME} when DWARF gives it
     * by a variable or an expression (a variable-length array: the length is computed at run time).
     */
    public record Dimension(long lowerBound, long count) {
        public static final long RUN_TIME = -2;

        /** A variable-length array's dimension: its length is a run-time value, not part of the type. */
        public boolean runTime() {
            return count == RUN_TIME;
        }
    }

    public static final DwarfType VOID = new DwarfType(Kind.VOID, "void", -1, 0, () -> null, List::of, List::of, List::of, List::of, false, false);
    public static final DwarfType UNKNOWN = new DwarfType(Kind.UNKNOWN, "<unknown type>", -1, 0, () -> null, List::of, List::of, List::of, List::of, false, false);

    private final Kind kind;
    private final String name;
    private final long byteSize;
    private final int encoding;
    private final Supplier<DwarfType> target;
    private final Supplier<List<Member>> members;
    private final Supplier<List<Enumerator>> enumerators;
    private final Supplier<List<Dimension>> dimensions;
    private final Supplier<List<DwarfType>> parameters;
    private final boolean varargs;
    private final boolean prototyped;
    private DwarfType targetValue;
    private List<Member> memberValue;
    private List<Enumerator> enumeratorValue;
    private List<Dimension> dimensionValue;
    private List<DwarfType> parameterValue;

    DwarfType(Kind kind, String name, long byteSize, int encoding, Supplier<DwarfType> target, Supplier<List<Member>> members,
              Supplier<List<Enumerator>> enumerators, Supplier<List<Dimension>> dimensions, Supplier<List<DwarfType>> parameters,
              boolean varargs, boolean prototyped) {
        this.kind = kind;
        this.name = name;
        this.byteSize = byteSize;
        this.encoding = encoding;
        this.target = target;
        this.members = members;
        this.enumerators = enumerators;
        this.dimensions = dimensions;
        this.parameters = parameters;
        this.varargs = varargs;
        this.prototyped = prototyped;
    }

    public Kind kind() {
        return kind;
    }

    /** The type's own name (base, typedef, struct/union/enum tag), or null. */
    public String name() {
        return name;
    }

    /** DW_AT_byte_size, or for wrappers (typedef, const, volatile) the size of what they wrap; -1 when unknown. */
    public long byteSize() {
        if (byteSize >= 0) {
            return byteSize;
        }
        switch (kind) {
            case TYPEDEF, CONST, VOLATILE, RESTRICT, ATOMIC:
                DwarfType t = target();
                return t == null ? -1 : t.byteSize();
            case ARRAY: {
                DwarfType t2 = target();
                long element = t2 == null ? -1 : t2.byteSize();
                long n = 1;
                for (Dimension d : dimensions()) {
                    if (d.count() < 0) {
                        return -1;
                    }
                    n *= d.count();
                }
                return element < 0 ? -1 : element * n;
            }
            default:
                return -1;
        }
    }

    public int encoding() {
        return encoding;
    }

    /** What a pointer, typedef, qualifier or array points to/wraps; a function's return type; an enum's underlying type. */
    public synchronized DwarfType target() {
        if (targetValue == null) {
            targetValue = target.get();
        }
        return targetValue;
    }

    public synchronized List<Member> members() {
        if (memberValue == null) {
            memberValue = List.copyOf(members.get());
        }
        return memberValue;
    }

    public synchronized List<Enumerator> enumerators() {
        if (enumeratorValue == null) {
            enumeratorValue = List.copyOf(enumerators.get());
        }
        return enumeratorValue;
    }

    public synchronized List<Dimension> dimensions() {
        if (dimensionValue == null) {
            dimensionValue = List.copyOf(dimensions.get());
        }
        return dimensionValue;
    }

    public synchronized List<DwarfType> parameters() {
        if (parameterValue == null) {
            parameterValue = List.copyOf(parameters.get());
        }
        return parameterValue;
    }

    public boolean varargs() {
        return varargs;
    }

    public boolean prototyped() {
        return prototyped;
    }

    /** This type without typedefs and qualifiers (bounded: a cycle of typedefs ends at {@link #UNKNOWN}). */
    public DwarfType stripped() {
        DwarfType t = this;
        for (int i = 0; i < 64; i++) {
            switch (t.kind) {
                case TYPEDEF, CONST, VOLATILE, RESTRICT, ATOMIC:
                    DwarfType next = t.target();
                    if (next == null) {
                        return VOID;
                    }
                    t = next;
                    break;
                default:
                    return t;
            }
        }
        return UNKNOWN;
    }
}
