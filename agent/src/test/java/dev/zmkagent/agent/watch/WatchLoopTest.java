package dev.zmkagent.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.testkit.Keyboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch loop over folder-backed drives: appear, capture, leave, come back, several at once. */
class WatchLoopTest {
    @TempDir
    Path tmp;

    @Test
    void drivesAppearingAreCapturedOnceAndEveryNewCaptureIsNotified() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.write(tmp.resolve("zmk.elf"), Keyboard.firmwareElf(3));
        try (WatchHarness w = new WatchHarness(media, tmp.resolve("data"), dev.zmkagent.agent.capture.CaptureListener.NONE, false)) {
            w.registry.add(List.of(tmp.resolve("zmk.elf")));
            Keyboard left = new Keyboard().flashFirmware(3).crash(Keyboard.dumpStream(Keyboard.APP + 0x254, 0x11));
            Keyboard right = new Keyboard().flashFirmware(3).crash(Keyboard.dumpStream(Keyboard.APP + 0x354, 0x22));
            left.plugIn(media, "NICENANO");
            right.plugIn(media, "NICENANO1");
            CaptureOutcome a = (CaptureOutcome) w.await(WatchHarness.outcome(CaptureOutcome.Status.STORED), 20, "first capture");
            CaptureOutcome b = (CaptureOutcome) w.await(WatchHarness.outcome(CaptureOutcome.Status.STORED), 20, "second capture");
            assertEquals(2, w.store.list().size());
            assertEquals(2, w.notifications.size());
            assertTrue(w.notifications.stream().anyMatch(n -> n.body().contains("zmk_keymap_apply_position_state")), w.notifications.toString());
            assertTrue(w.notifications.stream().anyMatch(n -> n.body().contains("behavior_hold_tap_binding_pressed")), w.notifications.toString());
            assertTrue(w.notifications.get(0).report().orElseThrow().toString().endsWith("report.md"));

            // The left half leaves and comes back with the same dump: no second capture, no notification.
            dev.zmkagent.device.files.PrivateFiles.deleteTree(media.resolve("NICENANO"));
            w.await(e -> ("left NICENANO").equals(e), 10, "the drive leaving");
            left.plugIn(media, "NICENANO");
            CaptureOutcome again = (CaptureOutcome) w.await(WatchHarness.outcome(CaptureOutcome.Status.ALREADY_CAPTURED), 20, "re-capture");
            assertTrue(again.capture().isPresent());
            assertEquals(2, w.store.list().size());
            assertEquals(2, w.notifications.size());
            assertTrue(w.log().contains("<6>bootloader drive appeared: "), w.log());
            assertTrue(w.log().contains("<5>captured "), w.log());
            assertTrue(a.bytesBeforeReport() * 10 <= a.currentUf2Size() && b.bytesBeforeReport() * 10 <= b.currentUf2Size());
        }
    }
}
