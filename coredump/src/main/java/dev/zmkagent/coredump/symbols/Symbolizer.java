package dev.zmkagent.coredump.symbols;

import java.util.List;

/** Turns a code address into source frames (innermost first). Implemented over DWARF, or the ELF symbols alone. */
public interface Symbolizer {
    /**
     * Source frames for the instruction at {@code pc}. Callers looking up a return address pass the address of the
     * call instruction (return address minus one), as gdb does, so the line is the call's, not the next one's.
     */
    List<SourceFrame> frames(long pc);
}
