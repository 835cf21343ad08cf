package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.List;

/**
 * The variables of one source frame at one pc, as gdb's {@code info args} / {@code info locals} see them: the
 * function's (or inlined call's) parameters in declaration order, and the locals of every block from the innermost
 * one holding the pc out to the function, innermost block first.
 *
 * @param function   the function (or inlined function) the scope belongs to
 * @param inlined    whether it is an inlined call
 * @param entryPc    where the concrete function is entered (-1 for an inlined call)
 * @param parameters its formal parameters
 * @param locals     its local variables, innermost block first
 * @param frameBase  DW_AT_frame_base of the concrete function at this pc (null when it has none)
 * @param unit       what an expression of this unit needs from DWARF (address size, .debug_addr)
 */
public record FrameScope(String function, boolean inlined, long entryPc, List<Variable> parameters, List<Variable> locals, Location frameBase, ExpressionUnit unit) {
    public FrameScope {
        parameters = List.copyOf(parameters);
        locals = List.copyOf(locals);
    }

    /**
     * A parameter or local: its name, its type, where its value is at this pc, and (parameters of a concrete
     * function) where it was at the function's entry, which gdb's entry values ({@code name@entry}) start from.
     */
    public record Variable(String name, DwarfType type, Location location, Location atEntry) {
    }

    /**
     * Where a value is. {@code OPTIMIZED_OUT}: no location at this pc. {@code EXPRESSION}: a DWARF location
     * expression to evaluate. {@code CONSTANT}: DW_AT_const_value, either a number ({@code constant}, already sign
     * extended for DW_FORM_sdata) or bytes ({@code bytes}).
     */
    public record Location(Kind kind, ByteView bytes, long constant) {
        public enum Kind { OPTIMIZED_OUT, EXPRESSION, CONSTANT_NUMBER, CONSTANT_BYTES }

        public static final Location OPTIMIZED_OUT = new Location(Kind.OPTIMIZED_OUT, null, 0);
    }

    /** The DWARF context a location expression of a unit needs. */
    public interface ExpressionUnit {
        int addressSize();

        /** Entry {@code index} of the unit's .debug_addr table (DW_OP_addrx, DW_OP_constx). */
        long indexedAddress(long index);
    }
}
