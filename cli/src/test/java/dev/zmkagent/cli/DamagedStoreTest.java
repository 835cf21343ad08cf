package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that was damaged by hand or by a crash of the machine, a disk that is full, paths that are not what they
 * should be: each gives one line naming the file and the problem, and nothing stored is lost or overwritten.
 */
class DamagedStoreTest {
    @TempDir
    Path tmp;

    /** A nice!nano drive whose coredump partition holds a bus fault at pc 0x26254, with {@code fill} in its RAM block. */
    Path drive(int fill) throws IOException {
        return TestDrives.niceNanoBusFault(tmp, fill);
    }

    private Path capture(int fill, String data, String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("capture", "--device", drive(fill).toString(), "--data-dir", data));
        args.addAll(List.of(extra));
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(1, r.exitCode(), r.err());
        return lastCapture(data);
    }

    private static Path lastCapture(String data) throws IOException {
        try (var s = Files.list(Path.of(data, "captures"))) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void aDamagedCaptureJsonIsNamedAndTheOtherCapturesStillServe() throws IOException {
        String data = tmp.resolve("data").toString();
        Path good = capture(0xAA, data);
        Path bad = capture(0xBB, data);
        Files.writeString(bad.resolve("capture.json"), "{\"schema\": \"zmk-agent.capture/1\", \"captured_at\": ");

        CliRun history = CliRun.run("history", "--data-dir", data);
        assertEquals(0, history.exitCode(), history.err());
        assertTrue(history.out().contains("1x  K_ERR_ARM_BUS_PRECISE_DATA_BUS"), history.out());
        assertEquals(1, history.err().lines().count(), history.err());
        assertTrue(history.err().contains("warning: capture " + bad + " is skipped: its capture.json is damaged: "), history.err());

        CliRun re = CliRun.run("reanalyze", bad.getFileName().toString(), "--data-dir", data);
        assertEquals(2, re.exitCode());
        assertEquals(1, re.err().lines().count(), re.err());
        assertTrue(re.err().contains(bad.resolve("capture.json") + " is damaged: "), re.err());
        CliRun byPath = CliRun.run("bundle", bad.toString(), "-o", tmp.resolve("b.zip").toString(), "--data-dir", data);
        assertEquals(2, byPath.exitCode());
        assertTrue(byPath.err().contains(bad.resolve("capture.json") + " is damaged: "), byPath.err());
        assertFalse(Files.exists(tmp.resolve("b.zip")));

        assertEquals(0, CliRun.run("bundle", good.getFileName().toString(), "-o", tmp.resolve("good.zip").toString(), "--data-dir", data, "--no-redact")
                .exitCode());
        Files.writeString(bad.resolve("capture.json"), "{\"captured_at\": \"yesterday\", \"partition\": {\"sha256\": \"00\"}}");
        CliRun wrongType = CliRun.run("history", "--data-dir", data);
        assertTrue(wrongType.err().contains("its captured_at is not a time: yesterday"), wrongType.err());

        // a field reanalyze and bundle decode: named as damaged at once, never a NumberFormatException
        String wellFormed = Files.readString(good.resolve("capture.json"));
        Files.writeString(bad.resolve("capture.json"), wellFormed.replaceFirst("\"address\"\\s*:\\s*\"[^\"]*\"", "\"address\": \"zz\""));
        CliRun badAddress = CliRun.run("reanalyze", bad.getFileName().toString(), "--data-dir", data);
        assertEquals(2, badAddress.exitCode(), badAddress.err());
        assertEquals(1, badAddress.err().lines().count(), badAddress.err());
        assertTrue(badAddress.err().contains("its partition.address is not an address: zz"), badAddress.err());
    }

    @Test
    void reanalyzeReadsTheDumpFromCurrentUf2WhenPartitionBinIsEmptyAndNeverOverwritesAReportWithNothing() throws IOException {
        String data = tmp.resolve("data").toString();
        Path c = capture(0xAA, data);
        byte[] report = Files.readAllBytes(c.resolve("report.txt"));
        byte[] meta = Files.readAllBytes(c.resolve("capture.json"));
        Files.write(c.resolve("partition.bin"), new byte[0]);

        CliRun re = CliRun.run("reanalyze", "last", "--data-dir", data);
        assertEquals(1, re.exitCode(), re.err());
        assertTrue(re.out().contains("K_ERR_ARM_BUS_PRECISE_DATA_BUS"), re.out());
        assertTrue(re.out().contains("partition.bin is empty, so the dump was read from the capture's CURRENT.UF2 at 0x71000"), re.out());

        // Without CURRENT.UF2 there is nothing to read the dump from: refuse, keep the stored reports as they were.
        String data2 = tmp.resolve("data2").toString();
        Path d = capture(0xAA, data2, "--region-only");
        byte[] report2 = Files.readAllBytes(d.resolve("report.txt"));
        byte[] meta2 = Files.readAllBytes(d.resolve("capture.json"));
        Files.write(d.resolve("partition.bin"), new byte[0]);
        CliRun refused = CliRun.run("reanalyze", "last", "--data-dir", data2);
        assertEquals(2, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains("recorded a K_ERR_ARM_BUS_PRECISE_DATA_BUS crash, but neither its partition.bin nor its CURRENT.UF2"
                + " holds a readable dump now"), refused.err());
        assertArrayEquals(report2, Files.readAllBytes(d.resolve("report.txt")));
        assertArrayEquals(meta2, Files.readAllBytes(d.resolve("capture.json")));
        assertTrue(report.length > 0 && meta.length > 0);
    }

    @Test
    void pathsThatAreNotWhatTheyShouldBeAreNamed() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        CliRun dataFile = CliRun.run("history", "--data-dir", file.toString());
        assertEquals(2, dataFile.exitCode());
        assertEquals("zmk-agent: error: --data-dir " + file + " is a file, not a folder: give the folder that holds captures/ and firmware/",
                dataFile.err().strip());
        CliRun missing = CliRun.run("history", "--data-dir", tmp.resolve("nope").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("--data-dir " + tmp.resolve("nope") + " does not exist"), missing.err());
        assertFalse(Files.exists(tmp.resolve("nope")), "a read-only command creates nothing");

        Path folder = Files.createDirectories(tmp.resolve("build"));
        CliRun flash = CliRun.run("flash", folder.toString(), "--dry-run");
        assertEquals(2, flash.exitCode());
        assertEquals("zmk-agent: error: " + folder + " is a folder, not a firmware UF2 file", flash.err().strip());
        String data = tmp.resolve("data").toString();
        capture(0xAA, data);
        CliRun elf = CliRun.run("reanalyze", "last", "--elf", folder.toString(), "--data-dir", data);
        assertEquals(2, elf.exitCode());
        assertEquals("zmk-agent: error: " + folder + " is a folder, not an ELF file", elf.err().strip());
    }

    @Test
    void aFullDiskKeepsTheDumpAndTheReportsAndSaysWhatItLeftOut() throws Exception {
        Path small = Files.createDirectories(tmp.resolve("small"));
        Path tiny = Files.createDirectories(tmp.resolve("tiny"));
        assumeTrue(mountTmpfs(small, "256k"), "cannot mount a tmpfs here (needs root; CI runs as root)");
        try {
            assumeTrue(mountTmpfs(tiny, "16k"), "cannot mount a tmpfs here");
            try {
                CliRun r = CliRun.run("capture", "--device", drive(0xAA).toString(), "--data-dir", small.toString());
                assertEquals(1, r.exitCode(), r.err());
                assertTrue(r.out().contains("Stored as "), r.out());
                assertTrue(r.out().contains("CURRENT.UF2 was not kept: no space left on the disk for its 1.8 MiB; the dump (partition.bin) and the"
                        + " reports were kept (free space, or capture with --region-only)"), r.out());
                Path c = lastCapture(small.toString());
                for (String f : List.of("partition.bin", "report.txt", "report.md", "report.json", "INFO_UF2.TXT", "capture.json")) {
                    assertTrue(Files.size(c.resolve(f)) > 0, f);
                }
                assertFalse(Files.exists(c.resolve("CURRENT.UF2")));
                assertTrue(Files.readString(c.resolve("capture.json")).contains("\"not_kept\""));
                assertEquals(1, CliRun.run("reanalyze", "last", "--data-dir", small.toString()).exitCode(), "the kept capture is usable");

                CliRun none = CliRun.run("capture", "--device", drive(0xBB).toString(), "--data-dir", tiny.toString());
                assertEquals(2, none.exitCode(), none.out());
                assertEquals(1, none.err().lines().count(), none.err());
                assertTrue(none.err().contains("no space left on the disk of " + tiny.resolve("captures") + ": the capture was not stored"), none.err());
                try (var s = Files.list(tiny.resolve("captures"))) {
                    assertEquals(List.of(".lock"), s.map(p -> p.getFileName().toString()).toList(), "no half-written capture");
                }
            } finally {
                umount(tiny);
            }
        } finally {
            umount(small);
        }
    }

    private static boolean mountTmpfs(Path at, String size) throws Exception {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", at.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static void umount(Path at) throws Exception {
        new ProcessBuilder("umount", "-l", at.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor(20, TimeUnit.SECONDS);
    }
}
