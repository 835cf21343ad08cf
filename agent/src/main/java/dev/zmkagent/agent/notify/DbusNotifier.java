package dev.zmkagent.agent.notify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * Linux desktop notifications over the session D-Bus (org.freedesktop.Notifications: GNOME, KDE, dunst, mako...).
 * The notification carries an "Open report" action (and the default click) that opens report.md; the report's path
 * is also in the body, for servers without actions.
 */
public final class DbusNotifier implements Notifier {
    static final String BUS_NAME = "org.freedesktop.Notifications";
    static final String OBJECT = "/org/freedesktop/Notifications";

    private final DBusConnection connection;
    private final Notifications service;
    private final boolean actions;
    private final Map<Long, Path> openOnAction = new ConcurrentHashMap<>();

    private DbusNotifier(DBusConnection connection) throws DBusException {
        this.connection = connection;
        this.service = connection.getRemoteObject(BUS_NAME, OBJECT, Notifications.class);
        boolean act;
        try {
            act = service.GetCapabilities().contains("actions");
        } catch (RuntimeException e) {
            act = false;
        }
        this.actions = act;
        connection.addSigHandler(Notifications.ActionInvoked.class, sig -> {
            Path p = openOnAction.get(sig.getId().longValue());
            if (p != null && ("default".equals(sig.getActionKey()) || "open".equals(sig.getActionKey()))) {
                Opener.open(p);
            }
        });
    }

    /** Connects to the session bus ({@code DBUS_SESSION_BUS_ADDRESS}), or to {@code address} when given. */
    public static Optional<DbusNotifier> connect(Optional<String> address) {
        try {
            DBusConnection c = address.isPresent() ? DBusConnectionBuilder.forAddress(address.get()).withShared(false).build()
                    : DBusConnectionBuilder.forSessionBus().withShared(false).build();
            return Optional.of(new DbusNotifier(c));
        } catch (DBusException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean notify(Notification n) {
        try {
            List<String> acts = new ArrayList<>();
            if (actions && n.report().isPresent()) {
                acts.add("default");
                acts.add("Open report");
                acts.add("open");
                acts.add("Open report");
            }
            Map<String, Variant<?>> hints = new LinkedHashMap<>();
            hints.put("urgency", new Variant<>((byte) 1));
            hints.put("category", new Variant<>("device.error"));
            hints.put("desktop-entry", new Variant<>("zmk-agent"));
            n.report().ifPresent(r -> hints.put("x-zmk-agent-report", new Variant<>(r.toString())));
            String body = n.body() + n.report().map(r -> "\nReport: " + r).orElse("");
            UInt32 id = service.Notify("zmk-agent", new UInt32(0), "input-keyboard", n.summary(), body, acts, hints, -1);
            n.report().ifPresent(r -> openOnAction.put(id.longValue(), r));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return "desktop notifications over D-Bus" + (actions ? " (with an Open report action)" : "");
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception e) {
            // closing a dead connection
        }
    }
}
