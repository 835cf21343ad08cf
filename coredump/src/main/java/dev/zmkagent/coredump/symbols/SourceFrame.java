package dev.zmkagent.coredump.symbols;

/**
 * One source-level frame for an address: a function and where in the source the address is. One machine frame
 * yields several of these when the compiler inlined calls; all but the outermost have {@code inlined} set, in the
 * order gdb prints them (innermost first). {@code file} is the path as DWARF names it (may be relative to
 * {@code directory}); {@code line} is 0 when unknown.
 */
public record SourceFrame(String function, String file, String directory, int line, boolean inlined) {
    public String fileName() {
        if (file == null) {
            return null;
        }
        int slash = file.lastIndexOf('/');
        return slash >= 0 ? file.substring(slash + 1) : file;
    }
}
