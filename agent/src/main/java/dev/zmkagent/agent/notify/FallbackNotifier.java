package dev.zmkagent.agent.notify;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One notifier, then another when the first cannot deliver: on Windows the PowerShell toast, else a balloon from
 * AWT's tray icon (older Windows, PowerShell blocked by policy). The fallback is made on first need only.
 */
public final class FallbackNotifier implements Notifier {
    private final Notifier first;
    private final Supplier<Optional<Notifier>> fallbackMaker;
    private Optional<Notifier> fallback;

    public FallbackNotifier(Notifier first, Supplier<Optional<Notifier>> fallbackMaker) {
        this.first = first;
        this.fallbackMaker = fallbackMaker;
    }

    @Override
    public synchronized boolean notify(Notification n) {
        if (first.notify(n)) {
            return true;
        }
        if (fallback == null) {
            fallback = fallbackMaker.get();
        }
        return fallback.map(f -> f.notify(n)).orElse(false);
    }

    @Override
    public String describe() {
        return first.describe() + ", else " + (fallback == null ? "AWT tray messages" : fallback.map(Notifier::describe).orElse("none"));
    }

    @Override
    public synchronized void close() {
        first.close();
        if (fallback != null) {
            fallback.ifPresent(Notifier::close);
        }
    }
}
