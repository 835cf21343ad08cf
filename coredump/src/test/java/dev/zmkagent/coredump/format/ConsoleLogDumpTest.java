package dev.zmkagent.coredump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ConsoleLogDumpTest {
    private static final byte[] STREAM = DumpBuilder.stream(2, 4).archV2(1, 2, 3, 4, 5, 6, 7, 8, 9).build();

    private static String log(boolean withEnd) {
        String hex = HexFormat.of().formatHex(STREAM);
        StringBuilder s = new StringBuilder("*** Booting Zephyr OS ***\r\n[00:00:01.000,000] <err> os: ***** HARD FAULT *****\r\n");
        s.append("[00:00:01.002,000] <err> coredump: #CD:BEGIN#\r\n");
        for (int i = 0; i < hex.length(); i += 64) {
            s.append("[00:00:01.003,000] <err> coredump: #CD:").append(hex, i, Math.min(hex.length(), i + 64)).append("\r\n");
        }
        if (withEnd) {
            s.append("[00:00:01.004,000] <err> coredump: #CD:END#\r\n");
        }
        s.append("[00:00:01.005,000] <err> os: Halting system\r\n");
        return s.toString();
    }

    @Test
    void extractsTheStreamBehindLogPrefixes() {
        byte[] content = log(true).getBytes(StandardCharsets.US_ASCII);
        assertTrue(ConsoleLogDump.looksLikeLog(content));
        ConsoleLogDump.Extracted ex = ConsoleLogDump.extract(content);
        assertArrayEquals(STREAM, ex.stream());
        assertTrue(ex.ended());
    }

    @Test
    void missingEndIsNoticed() {
        ConsoleLogDump.Extracted ex = ConsoleLogDump.extract(log(false).getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(STREAM, ex.stream());
        assertFalse(ex.ended());
    }

    @Test
    void nonHexDigitIsReportedWithItsLine() {
        String bad = log(true).replaceFirst("#CD:5a45", "#CD:5g45");
        FormatException e = assertThrows(FormatException.class, () -> ConsoleLogDump.extract(bad.getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("'g' is not a hex digit in #CD: line 4"), e.getMessage());
    }

    @Test
    void offsetOfABadDigitIsItsPlaceInACrLfLog() {
        String bad = log(true).replaceFirst("#CD:5a45", "#CD:5g45");
        FormatException e = assertThrows(FormatException.class, () -> ConsoleLogDump.extract(bad.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(bad.indexOf("5g45") + 1, e.offset(), "the 'g' of line 4, counting both bytes of each \\r\\n before it");
    }

    @Test
    void deviceErrorLineIsReported() {
        String s = "#CD:BEGIN#\n#CD:ERROR CANNOT DUMP#\n";
        FormatException e = assertThrows(FormatException.class, () -> ConsoleLogDump.extract(s.getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("could not write its coredump"), e.getMessage());
    }
}
