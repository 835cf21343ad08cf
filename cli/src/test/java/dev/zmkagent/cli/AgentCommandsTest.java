package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** capture, firmware, reanalyze, history, bundle and demo end to end through the CLI, on folder drives. */
class AgentCommandsTest {
    @TempDir
    Path tmp;

    /** A nice!nano drive whose coredump partition holds a bus fault at pc 0x26254 (no ELF needed for this test). */
    Path drive(int fill) throws IOException {
        return TestDrives.niceNanoBusFault(tmp, fill);
    }

    @Test
    void captureReportsFirstThenStoresThenRecognisesTheSameDump() throws IOException {
        Path d = drive(0xAA);
        String data = tmp.resolve("data").toString();
        CliRun first = CliRun.run("capture", "--device", d.toString(), "--data-dir", data);
        assertEquals(1, first.exitCode(), first.err());
        assertTrue(first.out().matches("(?s).*Read \\d+ of 1908736 bytes of CURRENT.UF2 \\(\\d\\.\\d%\\) before this report.*"), first.out());
        assertTrue(first.out().contains("K_ERR_ARM_BUS_PRECISE_DATA_BUS"), first.out());
        assertTrue(first.out().contains("Stored as "), first.out());
        CliRun again = CliRun.run("capture", "--device", d.toString(), "--data-dir", data, "--json");
        assertEquals(1, again.exitCode());
        assertTrue(again.out().contains("\"status\" : \"already-captured\""), again.out());

        CliRun history = CliRun.run("history", "--data-dir", data);
        assertTrue(history.out().contains("1x  K_ERR_ARM_BUS_PRECISE_DATA_BUS in 0x00026254"), history.out());
        drive(0xBB);
        assertEquals(1, CliRun.run("capture", "--device", tmp.resolve("media/NICENANO187").toString(), "--data-dir", data, "--region-only").exitCode());
        CliRun json = CliRun.run("history", "--data-dir", data, "--json");
        assertTrue(json.out().contains("\"count\" : 2"), json.out());

        // No ELF is registered for this build: redaction cannot locate the keys, so bundle refuses and says what to do.
        Path zip = tmp.resolve("crash.zip");
        CliRun refused = CliRun.run("bundle", "last", "-o", zip.toString(), "--data-dir", data);
        assertEquals(2, refused.exitCode(), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().contains("give --elf FILE, register the build with 'zmk-agent firmware add zmk.elf'") && refused.err().contains("--no-redact"),
                refused.err());
        assertFalse(Files.exists(zip), "nothing written");
        CliRun bundle = CliRun.run("bundle", "last", "-o", zip.toString(), "--data-dir", data, "--no-redact");
        assertEquals(0, bundle.exitCode(), bundle.err());
        assertEquals(1, bundle.err().lines().count(), "one warning line: " + bundle.err());
        assertTrue(bundle.err().startsWith("zmk-agent: warning: --no-redact: ") && bundle.err().contains("(LTK, IRK)")
                && bundle.err().contains("impersonate the keyboard") && bundle.err().contains("keystrokes"), bundle.err());
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<String> names = z.stream().map(e -> e.getName().substring(e.getName().indexOf('/') + 1)).sorted().toList();
            assertEquals(List.of("INFO_UF2.TXT", "REDACTED.txt", "firmware.txt", "partition.bin", "report.md"), names);
        }
        CliRun full = CliRun.run("bundle", "last", "-o", tmp.resolve("full.zip").toString(), "--data-dir", data, "--full", "--no-redact");
        assertEquals(2, full.exitCode(), "the last capture was --region-only: " + full.out());
        assertTrue(full.err().contains("--region-only"), full.err());
    }

    @Test
    void noDriveAndNoDumpAreExplained() throws IOException {
        CliRun none = CliRun.run("capture", "--device", tmp.toString(), "--data-dir", tmp.resolve("data").toString());
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("not a UF2 bootloader drive"), none.err());
        Path d = drive(0xAA);
        byte[] uf2 = Files.readAllBytes(d.resolve("CURRENT.UF2"));
        byte[] flash = DumpBuilder.filled(0x100000, 0xFF);
        Files.write(d.resolve("CURRENT.UF2"), CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, 0x239A00B3L));
        CliRun empty = CliRun.run("capture", "--device", d.toString(), "--data-dir", tmp.resolve("data").toString());
        assertEquals(0, empty.exitCode(), empty.err());
        assertTrue(empty.out().contains("No coredump on the device (read 1536 of 1908736 bytes"), empty.out());
        assertTrue(uf2.length > 0);
    }

    @Test
    void firmwareListAndReanalyzeWithAnElf() throws IOException {
        CliRun list = CliRun.run("firmware", "list", "--data-dir", tmp.resolve("data").toString());
        assertTrue(list.out().contains("No firmware registered"), list.out());
        CliRun notElf = CliRun.run("firmware", "add", tmp.resolve("missing.elf").toString(), "--data-dir", tmp.resolve("data").toString());
        assertEquals(2, notElf.exitCode());
        assertTrue(notElf.err().contains("no such file"), notElf.err());
        Path d = drive(0xAA);
        String data = tmp.resolve("data").toString();
        CliRun.run("capture", "--device", d.toString(), "--data-dir", data);
        Path elf = tmp.resolve("not-an-elf");
        Files.write(elf, Arrays.copyOf("hello".getBytes(StandardCharsets.US_ASCII), 64));
        CliRun bad = CliRun.run("reanalyze", "last", "--elf", elf.toString(), "--data-dir", data);
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("not an ELF"), bad.err());
        CliRun missing = CliRun.run("reanalyze", "nope", "--data-dir", data);
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no capture 'nope'"), missing.err());
    }

    @Test
    void reanalyzeWithAnElfShowsItInHistoryAndExitsOneForACrash() throws IOException {
        Path d = drive(0xAA);
        String data = tmp.resolve("data").toString();
        assertEquals(1, CliRun.run("capture", "--device", d.toString(), "--data-dir", data).exitCode());
        Path elf = tmp.resolve("zmk.elf");
        try (var in = AgentCommandsTest.class.getResourceAsStream("/dev/zmkagent/agent/demo/zmk.elf")) {
            Files.write(elf, in.readAllBytes());
        }
        CliRun re = CliRun.run("reanalyze", "last", "--elf", elf.toString(), "--data-dir", data);
        assertTrue(re.out().contains("K_ERR_ARM_BUS_PRECISE_DATA_BUS"), re.out() + re.err());
        assertEquals(1, re.exitCode(), "a crash reported exits 1, as analyze and capture do: " + re.err());
        assertTrue(CliRun.run("reanalyze", "--help").out().contains("1 a crash"), "the exit codes are in the help");
        CliRun history = CliRun.run("history", "--data-dir", data);
        assertTrue(history.out().contains("firmware: zmk.elf (sha256 "), history.out());
        assertTrue(!history.out().contains("null"), history.out());
    }

    @Test
    void bundleIntoAMissingFolderSaysSo() throws IOException {
        Path d = drive(0xAA);
        String data = tmp.resolve("data").toString();
        CliRun.run("capture", "--device", d.toString(), "--data-dir", data);
        Path out = tmp.resolve("nonexistent/dir/b.zip");
        CliRun r = CliRun.run("bundle", "last", "-o", out.toString(), "--data-dir", data, "--no-redact");
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("zmk-agent: error: the output folder " + out.getParent() + " does not exist\n", r.err());
    }

    @Test
    void bundleIntoAFolderSaysGiveAZipPath() throws IOException {
        Path d = drive(0xAA);
        String data = tmp.resolve("data").toString();
        CliRun.run("capture", "--device", d.toString(), "--data-dir", data);
        Path folder = Files.createDirectories(tmp.resolve("existing-folder"));
        CliRun r = CliRun.run("bundle", "last", "-o", folder.toString(), "--data-dir", data, "--no-redact");
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("zmk-agent: error: -o " + folder + " names a folder; give a .zip file path\n", r.err());
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temp file left");
        }
    }

    @Test
    void aUf2OfAnotherBuildIsNamedAsSuch() throws IOException {
        Path elf = tmp.resolve("zmk.elf");
        try (var in = AgentCommandsTest.class.getResourceAsStream("/dev/zmkagent/agent/demo/zmk.elf")) {
            Files.write(elf, in.readAllBytes());
        }
        Path other = Files.write(tmp.resolve("other.uf2"), CurrentUf2Renderer.render(DumpBuilder.filled(0x100000, 0xFF), 0x1000, 0xEA000, 0x239A00B3L));
        CliRun r = CliRun.run("firmware", "add", elf.toString(), other.toString(), "--data-dir", tmp.resolve("data").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().matches("zmk-agent: error: " + java.util.regex.Pattern.quote(other + " is not a build of " + elf)
                + ": \\d+ of \\d+ bytes differ, first at 0x[0-9A-F]+\n"), r.err());
        assertFalse(r.err().contains("device") || r.err().contains("below"), "no report wording: " + r.err());
    }

    private static final java.util.regex.Pattern CAMEL_KEY = java.util.regex.Pattern.compile("\"[a-z][a-z0-9]*[A-Z][A-Za-z0-9_]*\"\\s*:");

    private static void snakeCase(String what, String json) {
        java.util.regex.Matcher m = CAMEL_KEY.matcher(json);
        assertFalse(m.find(), what + " has a camelCase key " + (m.hitEnd() ? "" : m.group()) + ":\n" + json);
    }

    @Test
    void everyJsonItWritesIsSnakeCase() throws IOException {
        Path d = drive(0xAA);
        String data = tmp.resolve("data").toString();
        Path elf = tmp.resolve("zmk.elf");
        try (var in = AgentCommandsTest.class.getResourceAsStream("/dev/zmkagent/agent/demo/zmk.elf")) {
            Files.write(elf, in.readAllBytes());
        }
        assertEquals(0, CliRun.run("firmware", "add", elf.toString(), "--data-dir", data).exitCode());
        CliRun capture = CliRun.run("capture", "--device", d.toString(), "--data-dir", data, "--json");
        assertEquals(1, capture.exitCode(), capture.err());
        snakeCase("capture --json", capture.out());
        assertTrue(capture.out().contains("\"bytes_read_before_report\""), capture.out());
        snakeCase("history --json", CliRun.run("history", "--data-dir", data, "--json").out());
        assertEquals(1, CliRun.run("reanalyze", "last", "--elf", elf.toString(), "--data-dir", data).exitCode());
        try (var files = Files.walk(tmp.resolve("data"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                snakeCase(f.toString(), Files.readString(f));
            }
        }
    }

    @Test
    void capturesAndBuildsWrittenWithCamelCaseKeysAreStillRead() throws IOException {
        Path d = drive(0xAA);
        String data = tmp.resolve("data").toString();
        Path elf = tmp.resolve("zmk.elf");
        try (var in = AgentCommandsTest.class.getResourceAsStream("/dev/zmkagent/agent/demo/zmk.elf")) {
            Files.write(elf, in.readAllBytes());
        }
        CliRun.run("firmware", "add", elf.toString(), "--data-dir", data);
        CliRun.run("capture", "--device", d.toString(), "--data-dir", data);
        CliRun.run("reanalyze", "last", "--elf", elf.toString(), "--data-dir", data);
        try (var files = Files.walk(tmp.resolve("data"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("report")).toList()) {
                String old = Files.readString(f).replace("\"captured_at\" : \"", "\"capturedAt\" : \"2020-01-02T03:04:05Z\", \"x\" : \"")
                        .replace("\"elf_sha256\"", "\"elfSha256\"").replace("\"build_id\"", "\"buildId\"").replace("\"added_at\"", "\"addedAt\"");
                Files.writeString(f, old);
            }
        }
        CliRun history = CliRun.run("history", "--data-dir", data);
        assertTrue(history.out().contains("first 2020-01-02T03:04:05Z"), history.out());
        assertTrue(history.out().contains("firmware: zmk.elf (sha256 "), history.out());
        CliRun list = CliRun.run("firmware", "list", "--data-dir", data);
        assertFalse(list.out().contains("1970-01-01"), "added_at read from addedAt: " + list.out());
    }

    @Test
    void aFakeZipIsNotCalledAnElf() throws IOException {
        Path fake = Files.writeString(tmp.resolve("fake.zip"), "not a zip at all");
        CliRun r = CliRun.run("firmware", "add", fake.toString(), "--data-dir", tmp.resolve("data").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(fake + " is not a zip file"), r.err());
        assertTrue(!r.err().contains("ELF"), r.err());
        Path elf = tmp.resolve("zmk.elf");
        try (var in = AgentCommandsTest.class.getResourceAsStream("/dev/zmkagent/agent/demo/zmk.elf")) {
            Files.write(elf, in.readAllBytes());
        }
        CliRun second = CliRun.run("firmware", "add", elf.toString(), fake.toString(), "--data-dir", tmp.resolve("data").toString());
        assertEquals(2, second.exitCode(), second.err());
        assertTrue(second.err().contains(fake + " is not a zip file"), second.err());
    }

    @Test
    void demoRunsTheWholeJobOnASimulatedKeyboard() throws IOException {
        CliRun demo = CliRun.run("demo", "--no-notify", "--data-dir", tmp.resolve("data").toString());
        assertEquals(0, demo.exitCode(), demo.out() + demo.err());
        assertFalse(Files.exists(workOf(demo)), "the demo's temporary folder is removed: " + workOf(demo));
        assertTrue(demo.out().contains("[6] Double-tap reset"), demo.out());
        assertTrue(demo.out().contains("K_ERR_ARM_BUS_PRECISE_DATA_BUS in binding_param"), demo.out());
        assertTrue(demo.out().contains("all ") && demo.out().contains("flash bytes of build"), demo.out());
        CliRun history = CliRun.run("history", "--data-dir", tmp.resolve("data").toString());
        assertTrue(history.out().contains("binding_param"), history.out());
        CliRun again = CliRun.run("demo", "--no-notify", "--data-dir", tmp.resolve("data").toString());
        assertEquals(0, again.exitCode(), again.out());
        assertTrue(again.out().contains("already captured earlier"), again.out());
        assertFalse(Files.exists(workOf(again)));
    }

    @Test
    void demoKeepsItsFolderOnlyWhenAsked() throws IOException {
        CliRun kept = CliRun.run("demo", "--no-notify", "--keep");
        assertEquals(0, kept.exitCode(), kept.out() + kept.err());
        Path work = workOf(kept);
        try {
            assertTrue(Files.isDirectory(work.resolve("data/captures")), kept.out());
        } finally {
            dev.zmkagent.device.files.PrivateFiles.deleteTree(work);
        }
    }

    @Test
    void demoWithoutADataDirPointsNowhereItDeletes() throws IOException {
        CliRun demo = CliRun.run("demo", "--no-notify");
        assertEquals(0, demo.exitCode(), demo.out() + demo.err());
        Path work = workOf(demo);
        assertFalse(Files.exists(work));
        List<String> pointers = demo.out().lines().filter(l -> l.contains("--data-dir " + work)).toList();
        assertEquals(List.of(), pointers, "no hint names the deleted folder");
        assertTrue(demo.out().contains("in the demo's temporary folder, removed when the demo ends"), demo.out());
        assertTrue(demo.out().contains("run `zmk-agent demo --data-dir DIR`, then `zmk-agent history --data-dir DIR`"), demo.out());
        assertFalse(demo.out().endsWith("\n\n"), "no empty line where 'Capture kept in' would go");
        assertTrue(demo.out().contains("not shown: notifications are off (--no-notify)"), demo.out());
        assertFalse(demo.out().contains("sent through"), demo.out());
    }

    private static Path workOf(CliRun demo) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("a simulated keyboard in (\\S+)").matcher(demo.out());
        assertTrue(m.find(), demo.out());
        return Path.of(m.group(1));
    }
}
