package dev.zmkagent.agent.doctor;

import java.util.List;

/**
 * A notification server on the session bus (org.freedesktop.Notifications owned, or activatable: D-Bus starts it on
 * the first notification). Without one, a capture is stored but nobody is told.
 */
public final class NotificationServerCheck implements DesktopCheck {
    static final String NAME = "org.freedesktop.Notifications";
    static final String FIX = "start your desktop's notification daemon, or install one: sudo apt install dunst (or mako on Wayland)";

    @Override
    public List<Finding> check(Machine m) {
        SessionBusProbe bus = m.bus();
        if (!bus.connected()) {
            return List.of(Finding.advisory("notifications", "notifications", "not checked: no session bus", SessionBusCheck.FIX));
        }
        if (bus.hasOwner(NAME)) {
            return List.of(Finding.ok("notifications", "notifications", NAME + " is owned on the session bus"));
        }
        if (bus.activatable(NAME)) {
            return List.of(Finding.ok("notifications", "notifications", NAME + " is not running but D-Bus starts it on the first notification"));
        }
        return List.of(Finding.advisory("notifications", "notifications", "no notification server: nobody owns " + NAME
                + " on the session bus, so a capture is stored without telling you", FIX));
    }
}
