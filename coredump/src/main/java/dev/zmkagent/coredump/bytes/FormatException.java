package dev.zmkagent.coredump.bytes;

/**
 * Input bytes do not follow the format we expected. The message always says what was wrong and where
 * (an offset into the named input), so the CLI can print it as one line without a stack trace.
 */
public class FormatException extends RuntimeException {
    private final long offset;

    public FormatException(String message, long offset) {
        super(message + (offset >= 0 ? String.format(" (at offset 0x%x)", offset) : ""));
        this.offset = offset;
    }

    public FormatException(String message) {
        this(message, -1);
    }

    /** Offset into the input where the problem was found, or -1 when it is not tied to one place. */
    public long offset() {
        return offset;
    }
}
