package dev.zmkagent.coredump.values;

/**
 * One piece of a value's location after evaluating its DWARF expression (DW_OP_piece splits a value into several).
 * {@code sizeBits} 0 means "the whole value" (an expression without pieces).
 */
record Piece(Kind kind, long number, byte[] bytes, int sizeBits, int bitOffset) {
    enum Kind { MEMORY, REGISTER, VALUE, IMPLICIT, OPTIMIZED_OUT, IMPLICIT_POINTER }
}
