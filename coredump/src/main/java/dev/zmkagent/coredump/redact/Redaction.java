package dev.zmkagent.coredump.redact;

/**
 * One range of bytes replaced: where (the area, e.g. "coredump RAM" or "settings partition"), what it held (a
 * symbol path such as {@code key_pool[1].ltk} or a settings record name), its address and size.
 */
public record Redaction(String area, String what, long address, long size) {
    /** The fill: the ASCII text "REDACTED" repeated, starting at the first byte of each range, so it is obvious in a hex dump. */
    static final byte[] PATTERN = "REDACTED".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static void fill(byte[] b, int from, int length) {
        for (int i = 0; i < length; i++) {
            b[from + i] = PATTERN[i % PATTERN.length];
        }
    }

    public String line() {
        return String.format("%-20s %-44s 0x%08x  %5d bytes", area, what, address, size);
    }
}
