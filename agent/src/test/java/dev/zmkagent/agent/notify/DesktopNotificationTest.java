package dev.zmkagent.agent.notify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.testkit.Keyboard;
import dev.zmkagent.agent.watch.Journal;
import dev.zmkagent.agent.watch.WatchLoop;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under Xvfb with a private session D-Bus and dunst as the notification server: a capture made by the watch loop
 * sends org.freedesktop.Notifications.Notify with the crashing function in it, as dbus-monitor sees on the bus.
 */
class DesktopNotificationTest {
    @TempDir
    Path tmp;

    @Test
    void aNewCaptureSendsANotifyCallNamingTheCrashingFunction() throws Exception {
        Desktop.assumeTools("Xvfb", "dbus-daemon", "dunst", "dbus-monitor");
        try (Desktop desktop = new Desktop()) {
            Path monitorLog = tmp.resolve("monitor.log");
            desktop.start(List.of("dbus-monitor", "--address", desktop.busAddress, "interface='org.freedesktop.Notifications'"), monitorLog);
            desktop.start(List.of("dunst"), tmp.resolve("dunst.log"));
            DbusNotifier notifier = null;
            for (int i = 0; i < 100 && notifier == null; i++) {
                Optional<DbusNotifier> n = DbusNotifier.connect(Optional.of(desktop.busAddress));
                if (n.isPresent() && n.get().describe().contains("Open report")) {
                    notifier = n.get();
                } else {
                    n.ifPresent(DbusNotifier::close);
                    Thread.sleep(100);
                }
            }
            assertTrue(notifier != null, "dunst did not take org.freedesktop.Notifications");

            Path media = Files.createDirectories(tmp.resolve("media"));
            Files.write(tmp.resolve("zmk.elf"), Keyboard.firmwareElf(7));
            FirmwareRegistry registry = new FirmwareRegistry(tmp.resolve("data/firmware"));
            registry.add(List.of(tmp.resolve("zmk.elf")));
            LinkedBlockingQueue<CaptureOutcome> done = new LinkedBlockingQueue<>();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            WatchLoop loop = new WatchLoop(new WatchLoop.Config(List.of(media), false, Duration.ofMillis(200), Duration.ofSeconds(5)),
                    new Capturer(BoardCatalog.builtin(), new CaptureStore(tmp.resolve("data/captures")), registry, true), notifier,
                    new Journal(new PrintStream(log, true), false, false), new WatchLoop.Events() {
                        @Override
                        public void finished(CaptureOutcome o) {
                            done.add(o);
                        }
                    }, CaptureListener.NONE);
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            try {
                new Keyboard().flashFirmware(7).crash(Keyboard.dumpStream(Keyboard.APP + 0x354, 0x77)).plugIn(media, "NICENANO");
                CaptureOutcome o = done.poll(30, TimeUnit.SECONDS);
                assertTrue(o != null && o.status() == CaptureOutcome.Status.STORED, "no capture; log: " + log);
                String seen = "";
                for (int i = 0; i < 50 && !seen.contains("behavior_hold_tap_binding_pressed"); i++) {
                    Thread.sleep(100);
                    seen = Files.readString(monitorLog);
                }
                assertTrue(seen.contains("member=Notify"), seen);
                assertTrue(seen.contains("behavior_hold_tap_binding_pressed"), seen);
                assertTrue(seen.contains("Keyboard crash captured: nice!nano"), seen);
                assertTrue(seen.contains("Open report"), seen);
                assertTrue(!log.toString().contains("could not be shown"), log.toString());
            } finally {
                loop.stop();
                t.join(5000);
                notifier.close();
            }
        }
    }
}
