package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.device.sim.BootloaderProfile;
import dev.zmkagent.device.sim.FolderUf2Drive;
import dev.zmkagent.device.sim.PtySerialDfuBootloader;
import dev.zmkagent.device.sim.SerialDfuBootloader;
import dev.zmkagent.device.sim.SimFlash;
import dev.zmkagent.device.sim.TestFirmware;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlashCommandTest {
    @TempDir
    Path tmp;

    private CliRun flash(String... more) throws Exception {
        Files.createDirectories(tmp.resolve("media"));
        Files.createDirectories(tmp.resolve("sys"));
        List<String> a = new ArrayList<>(List.of("flash", "--media-root", tmp.resolve("media").toString(), "--sysfs", tmp.resolve("sys").toString(),
                "--data-dir", tmp.resolve("data").toString(), "--leave-timeout", "5"));
        a.addAll(List.of(more));
        return CliRun.run(a.toArray(String[]::new));
    }

    private Path write(String name, byte[] b) throws Exception {
        return Files.write(tmp.resolve(name), b);
    }

    @Test
    void flashesThroughTheCliIntoTheSimulatorSavingTheDumpFirst() throws Exception {
        SimFlash flash = new SimFlash();
        flash.write(0x71000, DumpBuilder.partition(DumpBuilder.stream(2, 0).archV2(1, 2, 3, 4, 5, 6, 7, 8, 9).crc().build()));
        TestFirmware fw = TestFirmware.code(0x26000, 0x8000, TestFirmware.NICE_NANO_FAMILY, 3);
        Path uf2 = write("zmk.uf2", fw.uf2());
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(Files.createDirectories(tmp.resolve("media")), BootloaderProfile.niceNano("0.6.1"), flash)) {
            sim.attach();
            sim.startWatcher(Duration.ofMillis(20));
            CliRun r = flash(uf2.toString());
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("Captured as " + tmp.resolve("data/captures")), r.out());
            assertTrue(r.out().contains("Done:"), r.out());
            assertArrayEquals(fw.code(), flash.read(0x26000, fw.code().length));
            Path capture;
            try (Stream<Path> s = Files.list(tmp.resolve("data/captures")).filter(p -> !p.getFileName().toString().startsWith("."))) {
                List<Path> all = s.toList();
                assertEquals(1, all.size(), all.toString());
                capture = all.get(0);
            }
            // An ordinary capture: analyzed, with its reports, in history.
            assertTrue(Files.readString(capture.resolve("report.txt")).contains("K_ERR_"), "the pre-flash dump is analyzed");
            assertTrue(Files.readString(capture.resolve("capture.json")).contains("\"source\" : \"pre-flash\""));
            CliRun history = CliRun.run("history", "--data-dir", tmp.resolve("data").toString());
            assertTrue(history.out().contains("1x  "), history.out());
            assertTrue(history.out().contains(capture.getFileName().toString()), history.out());

            // The partition is untouched by the new firmware: the next flash finds the same dump, already captured.
            sim.attach();
            CliRun again = flash(uf2.toString());
            assertEquals(0, again.exitCode(), again.out() + again.err());
            assertTrue(again.out().contains("Already captured as " + capture), again.out());
            try (Stream<Path> s = Files.list(tmp.resolve("data/captures")).filter(p -> !p.getFileName().toString().startsWith("."))) {
                assertEquals(1, s.count());
            }
        }
    }

    @Test
    void aPreFlashCaptureSaysWhereItCameFromAndSoDoesItsReanalysis() throws Exception {
        SimFlash flash = new SimFlash();
        byte[] stream = DumpBuilder.stream(2, 0).archV2(1, 2, 3, 4, 5, 6, 7, 8, 9).memory(0x2000fe00L, DumpBuilder.filled(0x200, 0xAA)).build();
        flash.write(0x71000, DumpBuilder.partition(stream, stream.length - 0x100, 0x1234, 0, 0x10000)); // truncated, checksum wrong
        Path uf2 = write("zmk.uf2", TestFirmware.code(0x26000, 0x8000, TestFirmware.NICE_NANO_FAMILY, 3).uf2());
        Path capture;
        Path current;
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(Files.createDirectories(tmp.resolve("media")), BootloaderProfile.niceNano("0.6.0"), flash)) {
            sim.attach();
            current = sim.root().resolve("CURRENT.UF2");
            sim.startWatcher(Duration.ofMillis(20));
            CliRun r = flash(uf2.toString());
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("The device holds a truncated (checksum mismatch) coredump at 0x71000"), r.out());
            try (Stream<Path> s = Files.list(tmp.resolve("data/captures")).filter(p -> !p.getFileName().toString().startsWith("."))) {
                capture = s.findFirst().orElseThrow();
            }
        }
        String input = Files.readString(capture.resolve("report.txt")).lines().filter(l -> l.startsWith("Input:")).findFirst().orElseThrow();
        assertTrue(input.contains("the zmk_debug coredump partition 0x71000-0x81000, read from " + current + " before flashing"
                + " (nice!nano, bootloader 0.6.0, window 0x1000-0xad000)"), input);
        String meta = Files.readString(capture.resolve("capture.json"));
        assertTrue(meta.contains("\"condition\" : \"truncated (checksum mismatch)\""), meta);
        assertFalse(meta.contains("\"valid\" :"), meta);

        Path elf = tmp.resolve("zmk.elf");
        try (var in = FlashCommandTest.class.getResourceAsStream("/dev/zmkagent/agent/demo/zmk.elf")) {
            Files.write(elf, in.readAllBytes());
        }
        CliRun re = CliRun.run("reanalyze", "last", "--elf", elf.toString(), "--data-dir", tmp.resolve("data").toString());
        assertTrue(re.exitCode() <= 1, re.out() + re.err());
        String again = Files.readString(capture.resolve("report.txt")).lines().filter(l -> l.startsWith("Input:")).findFirst().orElseThrow();
        assertTrue(again.contains("the coredump partition 0x71000-0x81000 saved in capture " + capture + " as partition.bin"), again);
        assertTrue(again.contains("; nice!nano, bootloader 0.6.0, window 0x1000-0xad000); the capture holds no CURRENT.UF2"), again);
        String json = Files.readString(capture.resolve("report.json"));
        assertTrue(json.contains("\"path\" : \"" + capture.resolve("partition.bin") + "\""), json.substring(0, Math.min(600, json.length())));
    }

    @Test
    void dryRunWritesNothing() throws Exception {
        Path uf2 = write("zmk.uf2", TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).uf2());
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(Files.createDirectories(tmp.resolve("media")), BootloaderProfile.niceNano("0.6.1"), new SimFlash())) {
            sim.attach();
            byte[] before = sim.flash().snapshot();
            CliRun r = flash(uf2.toString(), "--dry-run");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("Dry run: nothing written"), r.out());
            assertFalse(Files.exists(sim.root().resolve("NEW.UF2")));
            assertArrayEquals(before, sim.flash().snapshot());
        }
    }

    @Test
    void eachRefusalIsOneLineAndExitTwo() throws Exception {
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(Files.createDirectories(tmp.resolve("media")), BootloaderProfile.niceNano("0.6.1"), new SimFlash())) {
            sim.attach();
            List<byte[]> bad = List.of(
                    TestFirmware.code(0x27000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).uf2(), // S140 7.x build on a 6.1.1 board
                    TestFirmware.code(0x26000, 0x1000, TestFirmware.XIAO_FAMILY, 3).uf2(), // another board
                    TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).block(15, b -> b.address = 0x71000).uf2(), // coredump
                    Arrays.copyOf(TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).uf2(), 700)); // not a UF2
            for (int i = 0; i < bad.size(); i++) {
                CliRun r = flash(write("bad" + i + ".uf2", bad.get(i)).toString());
                assertEquals(2, r.exitCode(), r.out() + r.err());
                List<String> errors = r.err().lines().filter(l -> l.startsWith("zmk-agent: flash refused: ")).toList();
                assertEquals(1, errors.size(), r.err());
                assertFalse(r.err().contains("\tat "), "no stack trace");
                assertFalse(Files.exists(sim.root().resolve("NEW.UF2")));
            }
        }
    }

    private Path folderDrive(String info) throws Exception {
        Path d = Files.createDirectories(tmp.resolve("media/NICENANO"));
        Files.writeString(d.resolve("INFO_UF2.TXT"), info);
        return d;
    }

    @Test
    void aDriveWithoutCurrentUf2IsFlashedOnlyWithNoDumpCheck() throws Exception {
        Path d = folderDrive("UF2 Bootloader 0.6.1\r\nModel: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\nSoftDevice: S140 version 6.1.1\r\n");
        Path uf2 = write("zmk.uf2", TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).uf2());
        CliRun dry = flash(uf2.toString(), "--dry-run");
        assertEquals(0, dry.exitCode(), dry.out() + dry.err());
        assertTrue(dry.out().contains("checks passed; the unsaved-dump check was skipped: the drive has no CURRENT.UF2"), dry.out());
        CliRun real = flash(uf2.toString());
        assertEquals(2, real.exitCode(), real.out() + real.err());
        List<String> refused = real.err().lines().filter(l -> l.startsWith("zmk-agent: flash refused: ")).toList();
        assertEquals(1, refused.size(), real.err());
        assertTrue(refused.get(0).startsWith("zmk-agent: flash refused: the drive has no CURRENT.UF2") && refused.get(0).contains("--no-dump-check"), real.err());
        assertFalse(Files.exists(d.resolve("NEW.UF2")));
        CliRun waived = flash(uf2.toString(), "--dry-run", "--no-dump-check");
        assertEquals(0, waived.exitCode(), waived.err());
        assertFalse(waived.out().contains("skipped"), waived.out());
        assertTrue(waived.err().contains("warning: the drive has no CURRENT.UF2: a coredump still on the device is not saved (--no-dump-check)"), waived.err());
    }

    @Test
    void aMissingSoftDeviceIsRefusedUnlessOverridden() throws Exception {
        Path d = folderDrive("UF2 Bootloader 0.6.1\r\nModel: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\nSoftDevice: not found\r\n");
        Path uf2 = write("zmk.uf2", TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).uf2());
        for (CliRun r : List.of(flash(uf2.toString(), "--no-dump-check"), flash(uf2.toString(), "--dry-run"))) {
            assertEquals(2, r.exitCode(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("zmk-agent: flash refused: INFO_UF2.TXT says \"SoftDevice: not found\""), r.err());
        }
        assertFalse(Files.exists(d.resolve("NEW.UF2")));
        CliRun over = flash(uf2.toString(), "--dry-run", "--no-softdevice-check");
        assertEquals(0, over.exitCode(), over.out() + over.err());
        assertTrue(over.err().contains("no SoftDevice installed") && over.err().contains("--no-softdevice-check"), over.err());
    }

    @Test
    void noDriveIsAClearError() throws Exception {
        CliRun r = flash(write("zmk.uf2", TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).uf2()).toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no UF2 bootloader drive found"), r.err());
    }

    @Test
    void flashesOverSerialDfuFromTheSameUf2() throws Exception {
        assumeTrue(PtySerialDfuBootloader.available(), "no openpty here");
        SimFlash flash = new SimFlash();
        TestFirmware fw = TestFirmware.code(0x26000, 0x3000, TestFirmware.NICE_NANO_FAMILY, 3);
        Path uf2 = write("zmk.uf2", fw.uf2());
        try (PtySerialDfuBootloader pty = PtySerialDfuBootloader.start(new SerialDfuBootloader(flash, 0x26000, 0xEA000, 0x00B6))) {
            CliRun r = flash(uf2.toString(), "--dfu", "--port", pty.path(), "--board", "nice_nano", "--serial-port", pty.path(), "--dfu-pacing", "0");
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertArrayEquals(fw.code(), flash.read(0x26000, fw.code().length));
            CliRun refused = flash(write("x.uf2", TestFirmware.code(0x27000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).uf2()).toString(),
                    "--dfu", "--port", "/dev/null", "--board", "nice_nano", "--serial-port", "");
            assertEquals(2, refused.exitCode(), refused.err());
        }
    }
}
