package dev.zmkagent.coredump.values;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gdb's text for characters, floating point and strings (the cases the crash lab's gdb truth has few of). */
class ValueFormatterTest {
    @Test
    void charactersAsGdbEscapesThem() {
        assertEquals("\\000", ValueFormatter.charLiteral(0, '\''));
        assertEquals("\\n", ValueFormatter.charLiteral(10, '\''));
        assertEquals("\\033", ValueFormatter.charLiteral(27, '\''));
        assertEquals("\\177", ValueFormatter.charLiteral(127, '\''));
        assertEquals("\\377", ValueFormatter.charLiteral(0xFF, '\''));
        assertEquals("\\'", ValueFormatter.charLiteral('\'', '\''));
        assertEquals("'", ValueFormatter.charLiteral('\'', '"'));
        assertEquals("\\\"", ValueFormatter.charLiteral('"', '"'));
        assertEquals("\\\\", ValueFormatter.charLiteral('\\', '"'));
        assertEquals("A", ValueFormatter.charLiteral('A', '\''));
    }

    @Test
    void floatingPointAsCsPercentG() {
        assertEquals("6.5", ValueFormatter.cFloat(6.5f, 9));
        assertEquals("0.100000001", ValueFormatter.cFloat(0.1f, 9));
        assertEquals("0.10000000000000001", ValueFormatter.cFloat(0.1, 17));
        assertEquals("1e+10", ValueFormatter.cFloat(1e10f, 9));
        assertEquals("-3.03164883e-13", ValueFormatter.cFloat(-3.03164883e-13f, 9));
        assertEquals("1234567", ValueFormatter.cFloat(1234567f, 9));
        assertEquals("0", ValueFormatter.cFloat(0.0, 9));
        assertEquals("-0", ValueFormatter.cFloat(-0.0, 9));
        assertEquals("inf", ValueFormatter.cFloat(Double.POSITIVE_INFINITY, 17));
        assertEquals("-inf", ValueFormatter.cFloat(Float.NEGATIVE_INFINITY, 9));
    }

    static String quoted(String s) {
        List<Integer> chars = new ArrayList<>();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) {
            chars.add(b & 0xFF);
        }
        StringBuilder sb = new StringBuilder();
        ValueFormatter.quoted(sb, chars, chars.size());
        return sb.toString();
    }

    @Test
    void stringsWithRepeatsEscapesAndUtf8() {
        assertEquals("\"ev\"", quoted("ev"));
        assertEquals("\"\"", quoted(""));
        assertEquals("'\\000' <repeats 11 times>", quoted("\0".repeat(11)));
        assertEquals("\"ab\", 'x' <repeats 12 times>, \"cd\"", quoted("ab" + "x".repeat(12) + "cd"));
        assertEquals("\"" + "y".repeat(10) + "\"", quoted("y".repeat(10)));
        assertEquals("\"caf\u00e9\"", quoted("caf\u00c3\u00a9"));                      // UTF-8 é prints as itself
        assertEquals("\"\\200\\301\"", quoted("\u0080\u00c1"));                          // no valid sequence: octal
        assertEquals("\"ok\", <incomplete sequence \\316>", quoted("ok\u00ce"));       // a cut-off sequence
    }
}
