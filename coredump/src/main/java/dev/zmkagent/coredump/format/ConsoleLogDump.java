package dev.zmkagent.coredump.format;

import dev.zmkagent.coredump.bytes.FormatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Extracts the 'ZE' stream from a console log written by Zephyr's logging coredump backend: hex lines prefixed
 * {@code #CD:} between {@code #CD:BEGIN#} and {@code #CD:END#}, possibly behind log prefixes such as timestamps.
 * Only the first complete dump in the log is taken.
 */
public final class ConsoleLogDump {
    private static final String MARK = "#CD:";

    private ConsoleLogDump() {
    }

    public static boolean looksLikeLog(byte[] content) {
        String head = new String(content, 0, Math.min(content.length, 1 << 20), StandardCharsets.ISO_8859_1);
        return head.contains("#CD:BEGIN#") || head.contains(MARK + "5a45") || head.contains(MARK + "5A45");
    }

    /** The dump bytes; {@code truncated} tells whether #CD:END# was missing. */
    public record Extracted(byte[] stream, boolean ended, int firstLine) {
    }

    public static Extracted extract(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean inside = false;
        boolean sawBegin = false;
        int first = -1;
        // Lines end at \n, a \r before it is not part of the line; split by hand, not by a regex (cheaper, and the
        // offsets stay exact on \r\n logs).
        int next = 0;
        for (int n = 0; next <= text.length(); n++) {
            int lineOffset = next;
            int newline = text.indexOf('\n', next);
            int end = newline < 0 ? text.length() : newline;
            next = newline < 0 ? text.length() + 1 : newline + 1;
            String line = text.substring(lineOffset, end > lineOffset && text.charAt(end - 1) == '\r' ? end - 1 : end);
            int at = line.indexOf(MARK);
            if (at < 0) {
                continue;
            }
            String rest = line.substring(at + MARK.length());
            String body = rest.trim();
            int bodyOffset = lineOffset + at + MARK.length() + (body.isEmpty() ? 0 : rest.indexOf(body.charAt(0)));
            if (body.startsWith("BEGIN#")) {
                if (sawBegin && out.size() > 0) {
                    break;
                }
                inside = true;
                sawBegin = true;
                first = n + 1;
                continue;
            }
            if (body.startsWith("END#")) {
                if (inside || !sawBegin) {
                    return new Extracted(out.toByteArray(), true, first);
                }
                continue;
            }
            if (body.startsWith("ERROR")) {
                throw new FormatException("the log says the device could not write its coredump: " + body + " (line " + (n + 1) + ")", lineOffset);
            }
            if (!inside && sawBegin) {
                continue;
            }
            if (first < 0) {
                first = n + 1;
            }
            inside = true;
            appendHex(body, out, n + 1, bodyOffset);
        }
        if (out.size() == 0) {
            throw new FormatException("the log holds no #CD: coredump lines");
        }
        return new Extracted(out.toByteArray(), false, first);
    }

    private static void appendHex(String hex, ByteArrayOutputStream out, int lineNo, long offset) {
        if (hex.length() % 2 != 0) {
            throw new FormatException("odd number of hex digits in #CD: line " + lineNo, offset);
        }
        for (int i = 0; i < hex.length(); i += 2) {
            int hi = Character.digit(hex.charAt(i), 16);
            int lo = Character.digit(hex.charAt(i + 1), 16);
            if (hi < 0 || lo < 0) {
                int bad = hi < 0 ? i : i + 1;
                throw new FormatException("'" + hex.charAt(bad) + "' is not a hex digit in #CD: line " + lineNo, offset + bad);
            }
            out.write(hi << 4 | lo);
        }
    }
}
