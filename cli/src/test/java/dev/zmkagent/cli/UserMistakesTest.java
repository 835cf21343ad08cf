package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.format.DumpBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes a careless user makes, and inputs that try to drive the terminal: one clear line each, the right exit code. */
class UserMistakesTest {
    @TempDir
    Path tmp;

    private static final byte[] STREAM = DumpBuilder.stream(2, 25).archV2(0x50000000L, 1, 2, 3, 12, 0x26311, 0x26254, 0x01000000, 0x2000ff00L)
            .memory(0x2000fe00L, DumpBuilder.filled(0x200, 0xAA)).build();

    @Test
    void controlBytesFromTheInputNeverReachTheTerminalRaw() throws IOException {
        Path log = tmp.resolve("esc.log");
        Files.write(log, "boot\n#CD:BEGIN#\n#CD:5a45020003\u001b[31mRED\u0000\n#CD:END#\n".getBytes(StandardCharsets.ISO_8859_1));
        CliRun r = CliRun.run("analyze", log.toString());
        assertEquals(2, r.exitCode());
        assertEquals("zmk-agent: error: '\\x1b' is not a hex digit in #CD: line 3 (at offset 0x1e)", r.err().strip());
        assertFalse(r.err().chars().anyMatch(c -> c < 0x20 && c != '\n'), r.err());

        Path named = Files.write(tmp.resolve("dump\u001b[2J.bin"), DumpBuilder.partition(STREAM));
        for (String format : new String[] {"--color=never", "--markdown", "--json"}) {
            CliRun report = CliRun.run("analyze", named.toString(), format);
            assertEquals(1, report.exitCode(), report.err());
            assertFalse(report.out().contains("\u001b"), "no raw ESC in the " + format + " report");
            assertFalse(report.err().contains("\u001b"), "no raw ESC on stderr");
        }
        String json = CliRun.run("analyze", named.toString(), "--json").out();
        assertTrue(json.contains("dump\\\\x1b[2J.bin"), "the path, escaped before JSON escapes it: " + json);
    }

    @Test
    void aWriteErrorInTheHeaderIsSaidTogetherWithTheCrashItStillHolds() throws IOException {
        Path p = Files.write(tmp.resolve("partition.bin"), DumpBuilder.partition(STREAM, STREAM.length, -1, -5, 0x10000));
        CliRun r = CliRun.run("analyze", p.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("K_ERR_ARM_BUS_PRECISE_DATA_BUS"), r.out());
        assertTrue(r.out().contains("The device hit a flash error while saving this dump ('CD' header records a write error -5 on the device)"), r.out());
        assertTrue(r.out().contains("Header:    device error"), r.out());
    }

    @Test
    void wordsAnOptionDoesNotKnowAndStrayArgumentsAreRefused() {
        CliRun color = CliRun.run("analyze", "x.bin", "--color=sometimes");
        assertEquals(2, color.exitCode());
        assertTrue(color.err().contains("Invalid value for option '--color': expected one of [auto, always, never]"), color.err());
        for (String[] args : new String[][] {{"--version", "extra"}, {"extra", "--version"}, {"history", "--version", "extra"}}) {
            CliRun v = CliRun.run(args);
            assertEquals(2, v.exitCode(), String.join(" ", args) + ": " + v.out());
            assertTrue(v.err().contains("'extra'"), v.err());
            assertEquals("", v.out());
        }
        CliRun sub = CliRun.run("analyze", "--version");
        assertEquals(0, sub.exitCode());
        assertEquals(CliRun.run("--version").out(), sub.out(), "every command answers --version with the tool's version");
        assertTrue(sub.out().startsWith("zmk-agent "), sub.out());
    }

    @Test
    void dfuNamesTheBoardOrPortThatIsWrong() throws IOException {
        Path uf2 = Files.write(tmp.resolve("zmk.uf2"), new byte[512]);
        CliRun board = CliRun.run("flash", uf2.toString(), "--dfu", "--board", "nosuch", "--dry-run");
        assertEquals(2, board.exitCode());
        assertEquals("zmk-agent: error: --board nosuch is not a board in the catalog (known: nice_nano, xiao_ble)", board.err().strip());
        CliRun port = CliRun.run("flash", uf2.toString(), "--dfu", "--port", "/dev/nonexistent", "--dry-run");
        assertEquals(2, port.exitCode());
        assertTrue(port.err().strip().startsWith("zmk-agent: error: --port /dev/nonexistent: no such serial port"), port.err());
        assertFalse(port.err().contains("USB"), port.err());
    }
}
