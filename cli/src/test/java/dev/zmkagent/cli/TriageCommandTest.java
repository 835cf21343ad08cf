package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.device.crashlab.CrashLabUf2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze ATTACHMENT} and {@code triage} as a user runs them, on crash-lab crashes. */
class TriageCommandTest {
    @TempDir
    Path dir;

    private Path zip(String name, Map<String, byte[]> files) throws IOException {
        Path p = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(files).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }

    private static void assertOneLineError(CliRun r, String expected) {
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), "exactly one line: " + r.err());
        assertTrue(r.err().startsWith("zmk-agent: error: "), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void analyzeAnAttachmentSaysWhichFilesItUsedAndReportsEachDump() throws Exception {
        CrashLab.Scenario bus = CrashLab.scenario("nice_nano-busfault");
        CrashLab.Scenario div0 = CrashLab.scenario("nice_nano-div0");
        Path z = zip("two-users.zip", Map.of("alice/CURRENT.UF2", CrashLabUf2.currentUf2(bus), "alice/zmk.elf", bus.appElf(),
                "alice/coredump.bin", bus.partition(), "bob/CURRENT.UF2", CrashLabUf2.currentUf2(div0), "bob/zmk.elf", div0.appElf()));
        CliRun r = CliRun.run("analyze", z.toString(), "--color=never");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.out().startsWith(z + ": 2 dumps, 2 ELFs\n"), r.out());
        assertTrue(r.out().contains("dump: " + z + "!/alice/CURRENT.UF2\nsame dump also in: " + z + "!/alice/coredump.bin\nELF: " + z
                + "!/alice/zmk.elf (its loadable bytes match the firmware in CURRENT.UF2"), r.out());
        assertTrue(r.out().contains("dump: " + z + "!/bob/CURRENT.UF2\nELF: " + z + "!/bob/zmk.elf (its loadable bytes match"), r.out());
        assertEquals(2, r.out().split("ZMK crash report", -1).length - 1, "one report per dump");
        assertTrue(r.out().contains("K_ERR_ARM_BUS_PRECISE_DATA_BUS") && r.out().contains("K_ERR_ARM_USAGE_DIV_0"), r.out());

        CliRun json = CliRun.run("analyze", z.toString(), "--json");
        Map<String, Object> doc = JSON.std.mapFrom(json.out());
        assertEquals("zmk-agent.attachment/1", doc.get("schema"));
        List<?> dumps = (List<?>) doc.get("dumps");
        assertEquals(2, dumps.size());
        assertEquals("zmk-agent.report/1", ((Map<?, ?>) ((Map<?, ?>) dumps.get(0)).get("report")).get("schema"));
    }

    @Test
    void anAttachmentWithoutAnElfAsksForOne() throws Exception {
        CrashLab.Scenario bus = CrashLab.scenario("nice_nano-busfault");
        Path z = zip("no-elf.zip", Map.of("CURRENT.UF2", CrashLabUf2.currentUf2(bus)));
        assertOneLineError(CliRun.run("analyze", z.toString()), "holds a dump (" + z + "!/CURRENT.UF2) but no ELF: pass the build's zmk.elf with --elf");
        Path elf = Files.write(dir.resolve("zmk.elf"), bus.appElf());
        CliRun r = CliRun.run("analyze", z.toString(), "--elf", elf.toString(), "--color=never");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.out().contains("ELF: " + elf + " (given with --elf)"), r.out());
        assertTrue(r.out().contains("binding_param"), r.out());
    }

    @Test
    void aHostileArchiveIsOneLine() throws Exception {
        Path z = zip("evil.zip", Map.of("../../../home/user/.bashrc", "x".getBytes()));
        assertOneLineError(CliRun.run("analyze", z.toString()), "path traversal");
    }

    @Test
    void triageGroupsAndPrintsTheTableMarkdownAndJson() throws Exception {
        CrashLab.Scenario nn = CrashLab.scenario("nice_nano-busfault");
        CrashLab.Scenario xiao = CrashLab.scenario("xiao-busfault-min");
        CrashLab.Scenario oops = CrashLab.scenario("nice_nano-oops");
        Path a = zip("a.zip", Map.of("CURRENT.UF2", CrashLabUf2.currentUf2(nn), "zmk.elf", nn.appElf()));
        Path b = zip("b.zip", Map.of("partition.bin", xiao.partition(), "zmk.elf", xiao.appElf()));
        Path c = zip("c.zip", Map.of("partition.bin", oops.partition(), "zmk.elf", oops.appElf()));
        Path missing = dir.resolve("missing.zip");

        CliRun text = CliRun.run("triage", a.toString(), b.toString(), c.toString(), a.toString(), missing.toString());
        assertEquals(1, text.exitCode(), text.err());
        assertTrue(text.out().startsWith("3 crashes in 2 groups (1 duplicate dump counted once)\n"), text.out());
        assertTrue(text.out().contains("signature     count  reason"), text.out());
        assertTrue(text.out().contains(missing + ": no such file or folder"), text.out());

        CliRun md = CliRun.run("triage", a.toString(), b.toString(), c.toString(), "--markdown");
        assertTrue(md.out().contains("| signature | count | reason | top frames | boards | firmware | first seen | last seen |"), md.out());

        CliRun json = CliRun.run("triage", a.toString(), b.toString(), c.toString(), missing.toString(), "--json");
        Map<String, Object> doc = JSON.std.mapFrom(json.out());
        assertEquals(List.of("schema", "groups", "failed", "duplicates"), List.copyOf(doc.keySet()));
        List<?> groups = (List<?>) doc.get("groups");
        Map<?, ?> first = (Map<?, ?>) groups.get(0);
        assertEquals(2, first.get("count"));
        assertEquals(List.of(a.toString(), b.toString()), first.get("inputs"));
        assertEquals(List.of(Map.of("input", missing.toString(), "error", "no such file or folder")), doc.get("failed"));
    }

    @Test
    void triageNeedsAnInput() {
        CliRun r = CliRun.run("triage");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("give at least one INPUT, or --store"), r.err());
    }
}
