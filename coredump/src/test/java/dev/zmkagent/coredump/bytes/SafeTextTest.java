package dev.zmkagent.coredump.bytes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SafeTextTest {
    @Test
    void printableTextIsKeptAsIs() {
        String s = "kscan_thread BT RX über ✓ \uFFFD";
        assertSame(s, SafeText.of(s));
    }

    @Test
    void controlAndFormattingCharactersAreEscaped() {
        assertEquals("\\x1b[31mred\\x1b[0m\\x07\\x00\\x7f\\x9b", SafeText.of("\u001b[31mred\u001b[0m\u0007\u0000\u007f\u009b"));
        assertEquals("a\\x0d\\x0ab\\x09", SafeText.of("a\r\nb\t"));
        assertEquals("abc\\u{202e}fed\\u{200b}\\u{2028}", SafeText.of("abc\u202efed\u200b\u2028"));
    }

    @Test
    void cStringsFromBinaryInputComeBackEscaped() {
        byte[] b = "main\u001b]0;x\u0007\0rest".getBytes(StandardCharsets.UTF_8);
        assertEquals("main\\x1b]0;x\\x07", ByteView.of(b).cString(0));
        assertEquals("main\\x1b]0;x\\x07", ByteView.of(b).cursor().cString());
        // invalid UTF-8 decodes to U+FFFD, which is printable
        assertEquals("a\uFFFDb", ByteView.of(new byte[] {'a', (byte) 0xC3, 'b', 0}).cString(0));
    }
}
