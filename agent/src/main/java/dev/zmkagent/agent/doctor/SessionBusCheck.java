package dev.zmkagent.agent.doctor;

import java.util.List;

/** The session D-Bus, which notifications and the tray go through. Without it a capture still happens, unseen. */
public final class SessionBusCheck implements DesktopCheck {
    static final String FIX = "run zmk-agent watch inside your graphical session: zmk-agent watch --install-service "
            + "(the systemd user unit starts with the session and gets its bus)";

    @Override
    public List<Finding> check(Machine m) {
        SessionBusProbe bus = m.bus();
        if (bus.connected()) {
            return List.of(Finding.ok("session_bus", "session D-Bus", "reachable at " + bus.address().orElse("?")));
        }
        return List.of(Finding.advisory("session_bus", "session D-Bus", bus.problem().orElse("not reachable")
                + ": captures are stored but no notification or tray icon shows them", FIX));
    }
}
