package dev.zmkagent.agent.notify;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Notifications through a platform command: osascript on macOS, PowerShell toast on Windows. Text is passed as
 * arguments or environment, never spliced into a script, so a function name cannot inject anything.
 */
public final class CommandNotifier implements Notifier {
    /** Runs the prepared command; true when it succeeded. Tests record instead. */
    public interface Launcher {
        boolean run(ProcessBuilder command);

        Launcher SYSTEM = pb -> {
            try {
                Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        };
    }

    private final String name;
    private final Function<Notification, ProcessBuilder> command;
    private final Launcher launcher;

    CommandNotifier(String name, Function<Notification, ProcessBuilder> command, Launcher launcher) {
        this.name = name;
        this.command = command;
        this.launcher = launcher;
    }

    public static CommandNotifier macOs() {
        return macOs(Launcher.SYSTEM);
    }

    public static CommandNotifier windows() {
        return windows(Launcher.SYSTEM);
    }

    static CommandNotifier macOs(Launcher launcher) {
        return new CommandNotifier("macOS notifications (osascript)", n -> new ProcessBuilder("osascript",
                "-e", "on run argv", "-e", "display notification (item 2 of argv) with title (item 1 of argv)", "-e", "end run",
                n.summary(), n.body() + n.report().map(r -> " — " + r).orElse("")), launcher);
    }

    static CommandNotifier windows(Launcher launcher) {
        String script = "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null;"
                + "$t = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02);"
                + "$x = $t.GetElementsByTagName('text');"
                + "$x.Item(0).AppendChild($t.CreateTextNode($env:ZMK_SUMMARY)) > $null;"
                + "$x.Item(1).AppendChild($t.CreateTextNode($env:ZMK_BODY)) > $null;"
                + "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('zmk-agent').Show([Windows.UI.Notifications.ToastNotification]::new($t))";
        return new CommandNotifier("Windows toast notifications (PowerShell)", n -> {
            ProcessBuilder pb = new ProcessBuilder("powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script);
            pb.environment().put("ZMK_SUMMARY", n.summary());
            pb.environment().put("ZMK_BODY", n.body() + n.report().map(r -> " — " + r).orElse(""));
            return pb;
        }, launcher);
    }

    @Override
    public boolean notify(Notification n) {
        return launcher.run(command.apply(n));
    }

    @Override
    public String describe() {
        return name;
    }

    List<String> commandFor(Notification n) {
        return command.apply(n).command();
    }
}
