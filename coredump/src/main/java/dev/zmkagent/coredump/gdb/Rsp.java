package dev.zmkagent.coredump.gdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RSP encoding helpers: framing a reply with its checksum, binary escapes, and hex. */
public final class Rsp {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Rsp() {
    }

    /** {@code $payload#xx}, escaping the four bytes RSP reserves ($ # } *) so any payload is binary-safe. */
    public static void frame(byte[] payload, ByteArrayOutputStream out) {
        out.write('$');
        int sum = 0;
        for (byte p : payload) {
            int b = p & 0xFF;
            if (b == '$' || b == '#' || b == '}' || b == '*') {
                out.write('}');
                out.write(b ^ 0x20);
                sum += '}' + (b ^ 0x20);
            } else {
                out.write(b);
                sum += b;
            }
        }
        out.write('#');
        out.write(HEX[(sum >> 4) & 0xF]);
        out.write(HEX[sum & 0xF]);
    }

    public static byte[] frame(String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length() + 4);
        frame(payload.getBytes(StandardCharsets.ISO_8859_1), out);
        return out.toByteArray();
    }

    public static String hex(byte[] data, int off, int len) {
        byte[] out = new byte[len * 2];
        for (int i = 0; i < len; i++) {
            int b = data[off + i] & 0xFF;
            out[2 * i] = HEX[b >> 4];
            out[2 * i + 1] = HEX[b & 0xF];
        }
        return new String(out, StandardCharsets.US_ASCII);
    }

    public static String hex(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return hex(b, 0, b.length);
    }

    /** A 32-bit register in target byte order (little-endian), as g/p replies carry it. */
    public static String le32(long v) {
        byte[] b = {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
        return hex(b, 0, 4);
    }

    /** Parses unsigned hex of at most 16 digits; -1 when empty, too long or not hex. */
    public static long parseHex(String s) {
        if (s.isEmpty() || s.length() > 16) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
