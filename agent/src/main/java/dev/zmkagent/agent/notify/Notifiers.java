package dev.zmkagent.agent.notify;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** Picks the notifier the platform offers: D-Bus on Linux, osascript on macOS, a toast on Windows (else AWT). */
public final class Notifiers {
    private Notifiers() {
    }

    public static Optional<Notifier> forPlatform() {
        return forPlatform(System.getProperty("os.name", ""), CommandNotifier.Launcher.SYSTEM, AwtTrayNotifier::create,
                () -> DbusNotifier.connect(Optional.empty()).map(n -> n));
    }

    /** The notifier for {@code osName}, with the platform commands run by {@code launcher}. */
    static Optional<Notifier> forPlatform(String osName, CommandNotifier.Launcher launcher, Supplier<Optional<Notifier>> awt,
                                          Supplier<Optional<Notifier>> dbus) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return Optional.of(CommandNotifier.macOs(launcher));
        }
        if (os.startsWith("windows")) {
            return Optional.of(new FallbackNotifier(CommandNotifier.windows(launcher), awt));
        }
        return dbus.get();
    }
}
