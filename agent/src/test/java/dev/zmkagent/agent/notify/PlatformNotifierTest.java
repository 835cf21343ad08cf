package dev.zmkagent.agent.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * macOS and Windows notifications, which this machine cannot show, through a recording launcher: the exact command,
 * the crash text passed as data (arguments, environment), never spliced into the script; Windows falls back to AWT's
 * tray when the toast cannot be shown.
 */
class PlatformNotifierTest {
    /** Records each command with its environment; answers as the platform would. */
    static final class RecordingLauncher implements CommandNotifier.Launcher {
        final List<List<String>> commands = new ArrayList<>();
        final List<Map<String, String>> environments = new ArrayList<>();
        boolean succeed = true;

        @Override
        public boolean run(ProcessBuilder pb) {
            commands.add(List.copyOf(pb.command()));
            environments.add(Map.copyOf(pb.environment()));
            return succeed;
        }
    }

    static final class RecordingNotifier implements Notifier {
        final List<Notification> shown = new ArrayList<>();

        @Override
        public boolean notify(Notification n) {
            shown.add(n);
            return true;
        }

        @Override
        public String describe() {
            return "AWT tray messages";
        }
    }

    // a function name that tries to break out of a script
    static final Notification CRASH = new Notification("Keyboard crashed: K_ERR_ARM_BUS_PRECISE_DATA_BUS",
            "in \"; do shell script \"rm -rf ~\" --'$(calc)", Optional.of(Path.of("/home/kim/captures/1/report.md")), Optional.empty());

    @Test
    void macOsRunsOsascriptWithTheTextAsArguments() {
        RecordingLauncher launcher = new RecordingLauncher();
        Notifier n = Notifiers.forPlatform("Mac OS X", launcher, Optional::empty, () -> {
            throw new AssertionError("no D-Bus on macOS");
        }).orElseThrow();
        assertTrue(n.notify(CRASH));
        List<String> cmd = launcher.commands.get(0);
        assertEquals(List.of("osascript", "-e", "on run argv", "-e", "display notification (item 2 of argv) with title (item 1 of argv)", "-e", "end run"),
                cmd.subList(0, 7));
        assertEquals(CRASH.summary(), cmd.get(7));
        assertEquals(CRASH.body() + " — /home/kim/captures/1/report.md", cmd.get(8));
        assertEquals(9, cmd.size());
    }

    @Test
    void windowsShowsAToastThroughPowerShellWithTheTextInTheEnvironment() {
        RecordingLauncher launcher = new RecordingLauncher();
        RecordingNotifier awt = new RecordingNotifier();
        Notifier n = Notifiers.forPlatform("Windows 11", launcher, () -> Optional.of(awt), Optional::empty).orElseThrow();
        assertTrue(n.notify(CRASH));
        List<String> cmd = launcher.commands.get(0);
        assertEquals(List.of("powershell.exe", "-NoProfile", "-NonInteractive", "-Command"), cmd.subList(0, 4));
        String script = cmd.get(4);
        assertTrue(script.contains("ToastNotificationManager") && script.contains("$env:ZMK_SUMMARY") && script.contains("$env:ZMK_BODY"), script);
        assertFalse(script.contains("rm -rf") || script.contains("K_ERR"), "the crash text is never part of the script");
        assertEquals(CRASH.summary(), launcher.environments.get(0).get("ZMK_SUMMARY"));
        assertEquals(CRASH.body() + " — /home/kim/captures/1/report.md", launcher.environments.get(0).get("ZMK_BODY"));
        assertTrue(awt.shown.isEmpty(), "the toast worked: no fallback");
    }

    @Test
    void windowsFallsBackToTheAwtTrayWhenTheToastFails() {
        RecordingLauncher launcher = new RecordingLauncher();
        launcher.succeed = false;
        RecordingNotifier awt = new RecordingNotifier();
        int[] made = {0};
        Notifier n = Notifiers.forPlatform("Windows 10", launcher, () -> {
            made[0]++;
            return Optional.of(awt);
        }, Optional::empty).orElseThrow();
        assertEquals(0, made[0], "the AWT tray is only made when needed");
        assertTrue(n.notify(CRASH));
        assertTrue(n.notify(CRASH));
        assertEquals(List.of(CRASH, CRASH), awt.shown);
        assertEquals(1, made[0]);
        assertEquals(2, launcher.commands.size(), "each notification tries the toast first");
        assertEquals("Windows toast notifications (PowerShell), else AWT tray messages", n.describe());
    }

    @Test
    void windowsWithNeitherSaysTheNotificationWasLost() {
        RecordingLauncher launcher = new RecordingLauncher();
        launcher.succeed = false;
        Notifier n = Notifiers.forPlatform("Windows 11", launcher, Optional::empty, Optional::empty).orElseThrow();
        assertFalse(n.notify(CRASH));
    }

    @Test
    void linuxUsesTheSessionBus() {
        RecordingNotifier dbus = new RecordingNotifier();
        assertEquals(Optional.of(dbus), Notifiers.forPlatform("Linux", new RecordingLauncher(), Optional::empty, () -> Optional.of(dbus)));
    }
}
