package dev.zmkagent.agent.doctor;

import java.util.List;

/**
 * The tray: watch shows a StatusNotifierItem when a StatusNotifierWatcher owns org.kde.StatusNotifierWatcher (KDE,
 * GNOME with the AppIndicator extension, waybar, most panels); otherwise it falls back to an XEmbed tray icon, which
 * only X11 panels with a system tray show.
 */
public final class TrayCheck implements DesktopCheck {
    static final String NAME = "org.kde.StatusNotifierWatcher";

    @Override
    public List<Finding> check(Machine m) {
        SessionBusProbe bus = m.bus();
        if (!bus.connected()) {
            return List.of(Finding.advisory("tray", "tray", "not checked: no session bus", SessionBusCheck.FIX));
        }
        if (bus.hasOwner(NAME)) {
            return List.of(Finding.ok("tray", "tray", NAME + " is owned: the tray icon shows"));
        }
        return List.of(Finding.advisory("tray", "tray", "no StatusNotifierWatcher (" + NAME + " has no owner): the icon falls back to an "
                + "XEmbed tray, which only an X11 panel with a system tray shows",
                "on GNOME: sudo apt install gnome-shell-extension-appindicator, then enable it in Extensions; elsewhere enable your panel's tray"));
    }
}
