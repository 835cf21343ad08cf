package dev.zmkagent.agent.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.agent.testkit.FuseDrives;
import dev.zmkagent.agent.testkit.Keyboard;
import dev.zmkagent.device.boards.BoardCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keyboard leaves the bootloader (or the cable is pulled) right after the last byte of CURRENT.UF2 was read: the
 * capture is whole and must be stored and reported as such, although closing the file on the dead FUSE drive fails
 * with "Transport endpoint is not connected".
 */
class DriveLeavesAfterCaptureTest {
    @TempDir
    Path tmp;

    @Test
    void aDriveThatLeavesAfterTheLastReadStillGivesAStoredCapture() throws Exception {
        FuseDrives.assumeFuse();
        Keyboard kb = new Keyboard().flashFirmware(3).crash(Keyboard.dumpStream(Keyboard.APP + 0x254, 0x3C));
        Path img = FuseDrives.fatImage(kb, tmp);
        Path mountPoint = tmp.resolve("media/NICENANO");
        CaptureStore store = new CaptureStore(tmp.resolve("data/captures"));
        try (FuseDrives drives = new FuseDrives()) {
            Process drive = drives.mount(img, mountPoint);
            FuseDrives.awaitMounted(mountPoint, "CURRENT.UF2");
            AtomicBoolean yanked = new AtomicBoolean();
            CaptureListener leaveAtTheEnd = new CaptureListener() {
                @Override
                public void copyProgress(long done, long total) {
                    if (done == total && !yanked.getAndSet(true)) {
                        try {
                            drive.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            BootloaderDrive d = BootloaderDrive.probe(mountPoint).orElseThrow();
            CaptureOutcome o = new Capturer(BoardCatalog.builtin(), store, new FirmwareRegistry(tmp.resolve("data/firmware")), true)
                    .capture(d, leaveAtTheEnd);
            assertEquals(true, yanked.get(), "the drive was yanked after the whole copy");
            assertFalse(Files.exists(mountPoint.resolve("CURRENT.UF2")) && Files.isReadable(mountPoint.resolve("CURRENT.UF2"))
                    && drive.isAlive(), "the drive is gone");
            assertEquals(CaptureOutcome.Status.STORED, o.status());
            StoredCapture c = o.capture().orElseThrow();
            assertArrayEquals(kb.currentUf2(), Files.readAllBytes(c.file(CaptureStore.CURRENT_UF2)));
            assertEquals(1, store.list().size());
        }
    }
}
