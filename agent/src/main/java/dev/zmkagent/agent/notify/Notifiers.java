package dev.zmkagent.agent.notify;

import java.util.Locale;
import java.util.Optional;

/** Picks the notifier the platform offers: D-Bus on Linux, osascript on macOS, a toast on Windows. */
public final class Notifiers {
    private Notifiers() {
    }

    public static Optional<Notifier> forPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return Optional.of(CommandNotifier.macOs());
        }
        if (os.startsWith("windows")) {
            return Optional.of(CommandNotifier.windows());
        }
        return DbusNotifier.connect(Optional.empty()).map(n -> n);
    }
}
