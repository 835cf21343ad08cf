package dev.zmkagent.device.flash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.drive.DriveScanner;
import dev.zmkagent.device.drive.Uf2Drive;
import dev.zmkagent.device.sim.BootloaderProfile;
import dev.zmkagent.device.sim.FatImageUf2Drive;
import dev.zmkagent.device.sim.FolderUf2Drive;
import dev.zmkagent.device.sim.SimFlash;
import dev.zmkagent.device.sim.TestFirmware;
import dev.zmkagent.device.sim.Uf2BootloaderDrive;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flashing through the real discovery, checks, capture and writer into both simulated bootloader drives. */
class FlashThroughSimulatorsTest {
    @TempDir
    Path tmp;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:15:30Z"), ZoneOffset.UTC);

    /** Saves in memory, by content hash, as the agent's capture store does on disk. */
    static final class MemorySaver implements DumpSaver {
        final java.util.Map<String, PendingDump> saved = new java.util.LinkedHashMap<>();

        @Override
        public SavedDump save(PendingDump dump) {
            boolean already = saved.putIfAbsent(dump.sha256(), dump) != null;
            return new SavedDump(Path.of("memory", dump.sha256()), already);
        }
    }

    private final MemorySaver saver = new MemorySaver();

    private DriveFlasher flasher(Path captures) {
        return new DriveFlasher(saver, new PreFlashCapture(clock),
                new Uf2Writer(Duration.ofSeconds(10), Duration.ofMillis(20)));
    }

    private Uf2Drive find(Path media) {
        List<Uf2Drive> drives = new DriveScanner(BoardCatalog.builtin(), DriveRoots.only(List.of(media))).scan();
        assertEquals(1, drives.size());
        return drives.get(0);
    }

    /** Flash memory before: random stale code in the app area, as a used board has. */
    private static SimFlash usedFlash(byte[] partitionAt0x71000) {
        SimFlash f = new SimFlash();
        f.write(0x26000, TestFirmware.code(0x26000, 0x40000, TestFirmware.NICE_NANO_FAMILY, 99).code());
        if (partitionAt0x71000 != null) {
            f.write(0x71000, partitionAt0x71000);
        }
        return f;
    }

    private void flashAndCompare(Uf2BootloaderDrive sim, Path media) throws Exception {
        TestFirmware fw = TestFirmware.code(0x26000, 0x23456, TestFirmware.NICE_NANO_FAMILY, 5);
        byte[] before = sim.flash().snapshot();
        sim.attach();
        sim.startWatcher(Duration.ofMillis(20));
        DriveFlasher.Plan plan = flasher(tmp.resolve("captures")).plan(find(media), fw.uf2(), CheckOptions.none());
        assertTrue(plan.check().ok(), plan.check().refusals().toString());
        DriveFlasher.Report report = flasher(tmp.resolve("captures")).execute(plan, ProgressListener.NONE);
        assertTrue(report.outcome().success(), report.outcome().toString());
        assertFalse(sim.attached(), "the drive leaves when the copy completes");
        assertEquals(1, sim.completedCopies());
        assertEquals(List.of(), report.saved());
        byte[] after = sim.flash().snapshot();
        byte[] code = fw.code();
        assertArrayEquals(code, java.util.Arrays.copyOfRange(after, 0x26000, 0x26000 + code.length));
        // Everything the firmware does not cover is untouched (UF2 flashing never erases the rest).
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 0, 0x26000), java.util.Arrays.copyOfRange(after, 0, 0x26000));
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 0x26000 + code.length, before.length),
                java.util.Arrays.copyOfRange(after, 0x26000 + code.length, after.length));
        sim.close();
        if (sim.watcherFailure() != null) {
            throw new AssertionError(sim.watcherFailure());
        }
    }

    @Test
    void flashesIntoTheFolderSimulatorByteForByte() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        flashAndCompare(FolderUf2Drive.inMediaRoot(media, BootloaderProfile.niceNano("0.6.1"), usedFlash(null)), media);
    }

    @Test
    void flashesThroughARealFatFileSystemMountedWithFusefat() throws Exception {
        assumeTrue(FatImageUf2Drive.available(), "fusefat, mtools or /dev/fuse missing (./test installs them)");
        Path media = Files.createDirectories(tmp.resolve("media"));
        FatImageUf2Drive sim = new FatImageUf2Drive(tmp.resolve("work"), media.resolve("NICENANO"), BootloaderProfile.niceNano("0.6.0"), usedFlash(null));
        try {
            flashAndCompare(sim, media);
        } finally {
            sim.close();
        }
    }

    @Test
    void currentUf2OnTheFatDriveIsWhatTheBootloaderRenders() throws Exception {
        assumeTrue(FatImageUf2Drive.available(), "fusefat, mtools or /dev/fuse missing (./test installs them)");
        SimFlash flash = usedFlash(null);
        try (FatImageUf2Drive sim = new FatImageUf2Drive(tmp.resolve("work"), tmp.resolve("media/NICENANO"), BootloaderProfile.niceNano("0.6.0"), flash)) {
            sim.attach();
            byte[] current = Files.readAllBytes(sim.root().resolve("CURRENT.UF2"));
            assertEquals(1_409_024, current.length);
            assertArrayEquals(CurrentUf2Renderer.render(flash.snapshot(), 0x1000, 0xAD000, TestFirmware.NICE_NANO_FAMILY), current);
            assertTrue(Files.readString(sim.root().resolve("INFO_UF2.TXT")).contains("SoftDevice: S140 version 6.1.1\r\nDate: Jun 19 2021"));
        }
    }

    @Test
    void dryRunChecksAndCapturesNothing() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        byte[] partition = DumpBuilder.partition(DumpBuilder.stream(2, 0).archV2(1, 2, 3, 4, 5, 6, 7, 8, 9).crc().build());
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(media, BootloaderProfile.niceNano("0.6.1"), usedFlash(partition))) {
            sim.attach();
            DriveFlasher.Plan plan = flasher(tmp.resolve("captures")).plan(find(media),
                    TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 5).uf2(), CheckOptions.none());
            assertEquals(1, plan.dumps().size(), "the plan sees the dump");
            assertTrue(saver.saved.isEmpty(), "planning saves nothing");
            try (Stream<Path> s = Files.list(sim.root())) {
                assertEquals(3, s.count(), "nothing written to the drive");
            }
        }
    }

    @Test
    void savesAnUnsavedDumpBeforeFlashingAndNeverTwice() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        byte[] partition = DumpBuilder.partition(DumpBuilder.stream(2, 0).archV2(1, 2, 3, 4, 5, 6, 0x26101, 8, 0x2000F000).crc().build());
        Path captures = tmp.resolve("data/zmk-agent/captures");
        SimFlash flash = usedFlash(partition);
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(media, BootloaderProfile.niceNano("0.6.1"), flash)) {
            sim.attach();
            sim.startWatcher(Duration.ofMillis(20));
            byte[] fw = TestFirmware.code(0x26000, 0x2000, TestFirmware.NICE_NANO_FAMILY, 5).uf2();
            DriveFlasher.Plan plan = flasher(captures).plan(find(media), fw, CheckOptions.none());
            assertEquals(1, plan.dumps().size());
            PendingDump d = plan.dumps().get(0);
            assertEquals(0x71000, d.partitionStart());
            assertTrue(d.complete(), d.condition());
            assertArrayEquals(partition, d.partition());
            DriveFlasher.Report r = flasher(captures).execute(plan, ProgressListener.NONE);
            assertTrue(r.outcome().success());
            SavedDump saved = r.saved().get(0);
            assertFalse(saved.alreadySaved());
            assertEquals("zmk_debug", d.variant());
            assertEquals(java.time.Instant.parse("2026-11-27T10:15:30Z"), d.readAt());
            // The dump carries the partition's CURRENT.UF2 blocks, readable as a UF2 anywhere.
            assertEquals(256 * 512, d.uf2Blocks().length);
            assertArrayEquals(java.util.Arrays.copyOfRange(sim.currentUf2(), (0x71000 - 0x1000) / 256 * 512, (0x81000 - 0x1000) / 256 * 512), d.uf2Blocks());

            // The new firmware does not touch the partition, so the dump is still there on the next flash: the saver is
            // asked again and answers "already saved" (the capture store's dedup is tested in the agent's FlashJobTest).
            sim.attach();
            DriveFlasher.Report again = flasher(captures).execute(flasher(captures).plan(find(media), fw, CheckOptions.none()), ProgressListener.NONE);
            assertTrue(again.saved().get(0).alreadySaved());
            assertEquals(saved.location(), again.saved().get(0).location());
            assertEquals(1, saver.saved.size());
            assertFalse(Files.exists(captures), "the device module writes no files of its own");
        }
    }

    @Test
    void erasedPartitionMeansNothingToSave() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(media, BootloaderProfile.niceNano("0.6.1"), usedFlash(DumpBuilder.filled(0x10000, 0xFF)))) {
            sim.attach();
            Uf2Drive d = find(media);
            assertEquals(List.of(), new PreFlashCapture(clock).find(d.currentUf2().orElseThrow(), d.target().orElseThrow()));
        }
    }

    @Test
    void refusalWritesNothing() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(media, BootloaderProfile.niceNano("0.6.1"), usedFlash(null))) {
            sim.attach();
            DriveFlasher f = flasher(tmp.resolve("captures"));
            DriveFlasher.Plan plan = f.plan(find(media), TestFirmware.code(0x27000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 5).uf2(), CheckOptions.none());
            assertThrows(FlashRefusedException.class, () -> f.execute(plan, ProgressListener.NONE));
            assertFalse(Files.exists(sim.root().resolve("NEW.UF2")));
            assertThrows(FlashRefusedException.class, () -> f.plan(find(media), new byte[100], CheckOptions.none()));
        }
    }

    @Test
    void aDriveThatNeverLeavesIsReportedAsNotFinished() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(media, BootloaderProfile.niceNano("0.6.1"), usedFlash(null))) {
            sim.attach(); // no watcher: nobody applies NEW.UF2, like a bootloader that ignores the file
            FlashOutcome o = new Uf2Writer(Duration.ofMillis(200), Duration.ofMillis(20))
                    .write(sim.root(), TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 5).uf2(), ProgressListener.NONE);
            assertFalse(o.success());
            assertTrue(o.message().contains("did not finish"));
        }
    }
}
