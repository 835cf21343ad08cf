package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.coredump.gdb.GdbClient;
import dev.zmkagent.coredump.gdb.QemuFixture;
import dev.zmkagent.coredump.gdb.QemuFixture.SpStyle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command as users run it: a separate JVM, real gdb on the other end, over --pipe and over TCP. */
class GdbServerCommandTest {
    @TempDir
    Path dir;

    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isEmpty() ? cp : System.getProperty("java.class.path");
    }

    private static List<String> cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath(), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Path dump() {
        return QemuFixture.write(dir, "dump.bin", QemuFixture.stream(SpStyle.PRE_EXCEPTION, true, QemuFixture.RAM));
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Test
    void pipeModeWritesOnlyProtocolBytesOnStdout() throws Exception {
        Path in = QemuFixture.write(dir, "packets", "$?#3f$qC#b4$D#44".getBytes(StandardCharsets.US_ASCII));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(cli("gdbserver", "--pipe", dump().toString(), "--elf", QemuFixture.elf(dir).toString()))
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertEquals("+$T0bthread:1;#04+$QC1#c5+$OK#9a", Files.readString(out));
        assertTrue(Files.readString(err).contains("serving"), Files.readString(err));
    }

    @Test
    void realGdbOverPipe() throws Exception {
        assumeTrue(GdbClient.available(), "gdb-multiarch not installed (./test installs it)");
        Path elf = QemuFixture.elf(dir);
        String server = String.join(" ", cli("gdbserver", "--pipe", dump().toString(), "--elf", elf.toString()).stream()
                .map(GdbServerCommandTest::shellQuote).toList());
        String out = GdbClient.run(elf, "remote | " + server, "bt", "info threads", "x/16xw $sp", "print g_state");
        String live = QemuFixture.text("live.txt");
        for (String line : live.lines().filter(l -> l.matches("(#\\d+ |0x2000[0-9a-f]{4}:|\\$1 = ).*")).toList()) {
            assertTrue(out.contains(line), line + "\n---\n" + out);
        }
        assertTrue(out.contains("Thread 1 (crashed: faulted here, thread mode)"), out);
    }

    @Test
    void tcpModePrintsAPortAndAGdbCommandLineThatWorksAsPrinted() throws Exception {
        assumeTrue(GdbClient.available(), "gdb-multiarch not installed (./test installs it)");
        Path elf = QemuFixture.elf(dir);
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(cli("gdbserver", dump().toString(), "--elf", elf.toString(), "--port", "0"))
                .redirectError(err.toFile()).start();
        try {
            List<String> printed = readUntil(p, "Ctrl-C");
            String joined = String.join("\n", printed);
            assertTrue(joined.contains("listening on 127.0.0.1:"), joined);
            Matcher m = Pattern.compile("(?m)^  (gdb-multiarch|arm-none-eabi-gdb) .* -ex 'target remote 127\\.0\\.0\\.1:(\\d+)'$").matcher(joined);
            assertTrue(m.find(), joined);
            assertTrue(Integer.parseInt(m.group(2)) > 0);
            assumeTrue(m.group(1).equals(GdbClient.GDB));
            Process gdb = new ProcessBuilder("sh", "-c", m.group().trim() + " -nx -batch -ex 'set pagination off' -ex 'bt'")
                    .redirectErrorStream(true).start();
            gdb.getOutputStream().close();
            String out = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(gdb.waitFor(60, TimeUnit.SECONDS));
            assertTrue(out.contains("#3  0x000000b2 in main () at fw.c:57"), out);
            assertTrue(readUntil(p, "still listening (Ctrl-C stops)").size() > 0);
            assertEquals("", Files.readString(err)); // loopback: no warning
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void listeningOnAllInterfacesNeedsTheHostNamedAndWarns() throws Exception {
        CliRun refused = CliRun.run("gdbserver", dump().toString(), "--listen", ":1234");
        assertEquals(2, refused.exitCode());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().contains("--listen :1234 names no host") && refused.err().contains("0.0.0.0:1234"), refused.err());

        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(cli("gdbserver", dump().toString(), "--listen", "0.0.0.0:0")).redirectError(err.toFile()).start();
        try {
            String printed = String.join("\n", readUntil(p, "Ctrl-C"));
            assertTrue(printed.contains("listening on 0.0.0.0:"), printed);
            String warnings = Files.readString(err);
            assertTrue(warnings.contains("warning: listening on 0.0.0.0 exposes the keyboard's RAM"), warnings);
            assertTrue(warnings.contains("no --elf given"), warnings);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void conflictingTransportOptionsAndMissingDumpsAreOneLineErrors() throws Exception {
        Path d = dump();
        for (String[] args : List.of(new String[] {"gdbserver", d.toString(), "--pipe", "--port", "1"},
                new String[] {"gdbserver", d.toString(), "--port", "1", "--listen", "127.0.0.1:2"},
                new String[] {"gdbserver", d.toString(), "--listen", "127.0.0.1:http"},
                new String[] {"gdbserver", d.toString(), "--port", "70000"},
                new String[] {"gdbserver", QemuFixture.write(dir, "empty.bin", DumpBuilder.filled(0x10000, 0xFF)).toString(), "--port", "0"})) {
            CliRun r = CliRun.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + "\n" + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }

    /** Reads the process's stdout lines until one contains {@code marker} (fails after 60 s or at EOF). */
    private static List<String> readUntil(Process p, String marker) throws IOException {
        BufferedReader r = READERS.computeIfAbsent(p, k -> new BufferedReader(new InputStreamReader(k.getInputStream(), StandardCharsets.UTF_8)));
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = r.readLine();
            if (line == null) {
                throw new IOException("server ended before printing '" + marker + "': " + lines);
            }
            lines.add(line);
            if (line.contains(marker)) {
                return lines;
            }
        }
        throw new IOException("no '" + marker + "' within 60 s: " + lines);
    }

    private static final java.util.Map<Process, BufferedReader> READERS = new java.util.concurrent.ConcurrentHashMap<>();
}
