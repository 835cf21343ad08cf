package dev.zmkagent.agent.notify;

import java.util.Optional;

/**
 * Picks the tray the desktop shows: a StatusNotifierItem when a StatusNotifierWatcher is on the session bus
 * (GNOME with AppIndicator, KDE Plasma, most panels), else AWT's XEmbed tray icon, else none.
 */
public final class Trays {
    private Trays() {
    }

    public static Optional<Tray> install(Tray.Actions actions) {
        Optional<Tray> sni = SniTray.connect(Optional.empty(), actions, Opener::open).map(t -> t);
        return sni.isPresent() ? sni : TrayController.install(actions).map(t -> t);
    }
}
