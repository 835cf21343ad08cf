package dev.zmkagent.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.testkit.FuseDrives;
import dev.zmkagent.agent.testkit.Keyboard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real FAT16 drive (mkfs.fat + mcopy) mounted with fusefat into a media folder while {@code watch} runs: the
 * capture appears with the right analysis, the same drive again adds nothing, and a drive yanked in the middle of the
 * full copy (fusefat killed: reads fail like on a pulled USB cable) leaves nothing behind and is captured when it
 * comes back.
 */
class FuseDriveWatchTest {
    @TempDir
    Path tmp;
    private final FuseDrives drives = new FuseDrives();

    @AfterEach
    void cleanUp() throws Exception {
        drives.close();
    }

    @Test
    void aMountedFat16DriveIsCapturedOnceAndAYankMidCopyStoresNothingUntilItReturns() throws Exception {
        FuseDrives.assumeFuse();
        Keyboard kb = new Keyboard().flashFirmware(5).crash(Keyboard.dumpStream(Keyboard.APP + 0x254, 0x5A));
        Path img = FuseDrives.fatImage(kb, tmp);
        Files.write(tmp.resolve("zmk.elf"), Keyboard.firmwareElf(5));
        Path media = Files.createDirectories(tmp.resolve("media"));
        Path mountPoint = media.resolve("NICENANO");

        AtomicBoolean yank = new AtomicBoolean(true);
        AtomicReference<Process> current = new AtomicReference<>();
        CaptureListener yanker = new CaptureListener() {
            @Override
            public void copyProgress(long done, long total) {
                if (done > 0 && done < total && yank.getAndSet(false)) {
                    try {
                        current.get().destroyForcibly().waitFor(5, TimeUnit.SECONDS); // the cable is pulled
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (WatchHarness w = new WatchHarness(media, tmp.resolve("data"), yanker, true)) {
            w.registry.add(List.of(tmp.resolve("zmk.elf")));

            // 1. Plugged in, yanked during the full copy: nothing stored.
            current.set(drives.mount(img, mountPoint));
            w.await(e -> String.valueOf(e).startsWith("failed NICENANO"), 30, "the capture to fail when the drive is yanked");
            assertTrue(w.log().contains("went away during the capture"), w.log());
            assertTrue(w.store.list().isEmpty());
            assertNoTempFolders(w.store.dir());
            FuseDrives.unmount(mountPoint);

            // 2. Back again: captured whole, with the registered build's symbols.
            current.set(drives.mount(img, mountPoint));
            CaptureOutcome stored = (CaptureOutcome) w.await(WatchHarness.outcome(CaptureOutcome.Status.STORED), 30, "the capture after the drive came back");
            assertEquals("zmk_keymap_apply_position_state", stored.capture().orElseThrow().function().orElseThrow());
            assertTrue(Files.size(stored.capture().orElseThrow().file("CURRENT.UF2")) == kb.currentUf2().length);
            assertTrue(stored.bytesBeforeReport() * 10 <= stored.currentUf2Size());
            assertEquals(1, w.notifications.size());

            // 3. Unmounted and mounted again with the same dump: recognised, not stored twice.
            current.get().destroy();
            current.get().waitFor(5, TimeUnit.SECONDS);
            FuseDrives.unmount(mountPoint);
            w.await(e -> "left NICENANO".equals(e), 20, "the drive leaving");
            current.set(drives.mount(img, mountPoint));
            w.await(WatchHarness.outcome(CaptureOutcome.Status.ALREADY_CAPTURED), 30, "the repeat to be recognised");
            assertEquals(1, w.store.list().size());
            assertEquals(1, w.notifications.size());
        }
    }

    static void assertNoTempFolders(Path captures) throws IOException {
        if (!Files.exists(captures)) {
            return;
        }
        try (Stream<Path> s = Files.list(captures)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).toList());
        }
    }
}
