package dev.zmkagent.coredump.symbols;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Turns a code address into source frames (innermost first). Implemented over DWARF, or the ELF symbols alone. */
public interface Symbolizer {
    /**
     * Source frames for the instruction at {@code pc}. Callers looking up a return address pass the address of the
     * call instruction (return address minus one), as gdb does, so the line is the call's, not the next one's.
     */
    List<SourceFrame> frames(long pc);

    /**
     * Problems with the debug information met so far (e.g. corrupt DWARF for some address, answered from ELF symbols
     * instead), one sentence each. Untrusted text is already escaped.
     */
    default List<String> warnings() {
        return List.of();
    }

    /** Entry pc of the concrete function whose code holds {@code pc}, when known. */
    default OptionalLong functionEntry(long pc) {
        return OptionalLong.empty();
    }

    /** The call site whose return address is exactly {@code returnPc}, when the debug information describes one. */
    default Optional<CallSite> callSiteAt(long returnPc) {
        return Optional.empty();
    }

    /** The call sites of the function entered at {@code entryPc} (empty without call-site information). */
    default List<CallSite> callSitesIn(long entryPc) {
        return List.of();
    }
}
