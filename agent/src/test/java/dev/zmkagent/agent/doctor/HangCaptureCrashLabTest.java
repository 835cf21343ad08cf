package dev.zmkagent.agent.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.capture.BootloaderDrive;
import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.crashlab.CrashLabUf2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A freeze that wrote no dump: the crash lab's erased-partition firmware served as its bootloader would. The capture
 * says it was a hang and checks the hang options against the registered build running on the device.
 */
class HangCaptureCrashLabTest {
    @TempDir
    Path tmp;

    @Test
    void anErasedPartitionIsAHangAndTheOptionsAreCheckedAgainstTheRegisteredBuild() throws Exception {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-erased");
        Path drive = tmp.resolve("media/NICENANO");
        Files.createDirectories(drive);
        Files.write(drive.resolve("CURRENT.UF2"), CrashLabUf2.currentUf2(s));
        Files.copy(s.file("INFO_UF2.TXT"), drive.resolve("INFO_UF2.TXT"));
        FirmwareRegistry registry = new FirmwareRegistry(tmp.resolve("data/firmware"));
        Capturer capturer = new Capturer(BoardCatalog.builtin(), new CaptureStore(tmp.resolve("data/captures")), registry, false);

        CaptureOutcome unregistered = capturer.capture(BootloaderDrive.probe(drive).orElseThrow(), CaptureListener.NONE);
        assertEquals(CaptureOutcome.Status.NO_DUMP, unregistered.status());
        HangAdvice unchecked = unregistered.hang().orElseThrow();
        assertTrue(unchecked.firmware().isEmpty());
        assertTrue(unchecked.lines().get(unchecked.lines().size() - 1).contains("not checked against the firmware"));

        registry.add(List.of(s.appElfPath()));
        CaptureOutcome o = capturer.capture(BootloaderDrive.probe(drive).orElseThrow(), CaptureListener.NONE);
        HangAdvice h = o.hang().orElseThrow();
        assertTrue(h.firmware().isPresent(), "matched the registered build on the device");
        // the lab's erased-partition firmware has no asserts, task watchdog or watchdog driver
        assertTrue(h.options().stream().noneMatch(x -> x.on()), h.options().toString());
        assertTrue(h.lines().stream().anyMatch(l -> l.startsWith("asserts: add CONFIG_ASSERT=y")), h.lines().toString());
    }
}
