package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.device.crashlab.CrashLabUf2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bundle through the CLI on the crash lab's two-bond keyboard: redacted by default, --markdown, --elf. */
class BundleCommandTest {
    @TempDir
    Path tmp;

    @Test
    void bundleRedactsByDefaultAndPrintsTheMarkdown() throws IOException {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-bonds");
        Path drive = Files.createDirectories(tmp.resolve("media/NICENANO"));
        Files.write(drive.resolve("CURRENT.UF2"), CrashLabUf2.currentUf2(s));
        Files.copy(s.file("INFO_UF2.TXT"), drive.resolve("INFO_UF2.TXT"));
        String data = tmp.resolve("data").toString();
        assertEquals(0, CliRun.run("firmware", "add", s.appElfPath().toString(), "--data-dir", data).exitCode());
        CliRun cap = CliRun.run("capture", "--device", drive.toString(), "--data-dir", data, "--full");
        assertEquals(1, cap.exitCode(), cap.err());

        Path zip = tmp.resolve("crash.zip");
        CliRun b = CliRun.run("bundle", "last", "-o", zip.toString(), "--full", "--data-dir", data);
        assertEquals(0, b.exitCode(), b.err());
        assertEquals("", b.err(), "no warning when redacted");
        assertTrue(b.out().matches("(?s)Wrote .*crash.zip: report.md, partition.bin, INFO_UF2.TXT, firmware.txt, zmk.elf, REDACTED.txt, CURRENT.UF2;"
                + " removed 14 key item\\(s\\), \\d+ bytes \\(see REDACTED.txt\\)\n"), b.out());
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertEquals(7, z.size());
        }

        CliRun md = CliRun.run("bundle", "last", "--markdown", "--data-dir", data);
        assertEquals(0, md.exitCode(), md.err());
        assertEquals("", md.err());
        assertTrue(md.out().startsWith("### ZMK crash report\n"), md.out());
        assertTrue(md.out().contains("<details>"), md.out());

        // --elf gives the ELF explicitly
        CliRun withElf = CliRun.run("bundle", "last", "-o", tmp.resolve("e.zip").toString(), "--elf", s.appElfPath().toString(), "--data-dir", data);
        assertEquals(0, withElf.exitCode(), withElf.err());
        CliRun neither = CliRun.run("bundle", "last", "--data-dir", data);
        assertEquals(2, neither.exitCode());
        assertTrue(neither.err().contains("--output"), neither.err());
    }
}
