package dev.zmkagent.agent.doctor;

import java.util.List;
import java.util.Optional;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;

/**
 * The session bus as doctor sees it: reachable or not (and why), and which well-known names have an owner or can be
 * started by D-Bus activation (org.freedesktop.DBus NameHasOwner, ListActivatableNames).
 */
public final class SessionBusProbe implements AutoCloseable {
    private final Optional<String> address;
    private final Optional<String> problem;
    private final DBusConnection connection;
    private final DBus dbus;

    private SessionBusProbe(Optional<String> address, Optional<String> problem, DBusConnection connection, DBus dbus) {
        this.address = address;
        this.problem = problem;
        this.connection = connection;
        this.dbus = dbus;
    }

    public static SessionBusProbe connect(Optional<String> address) {
        if (address.isEmpty()) {
            return new SessionBusProbe(address, Optional.of("no session bus address (DBUS_SESSION_BUS_ADDRESS is unset and there is no $XDG_RUNTIME_DIR/bus)"),
                    null, null);
        }
        try {
            DBusConnection c = DBusConnectionBuilder.forAddress(address.get()).withShared(false).build();
            DBus d = c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
            d.GetId(); // the bus answers, not only accepts the socket
            return new SessionBusProbe(address, Optional.empty(), c, d);
        } catch (DBusException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new SessionBusProbe(address, Optional.of("cannot connect to the session bus at " + address.get() + ": " + why), null, null);
        }
    }

    public boolean connected() {
        return connection != null;
    }

    public Optional<String> address() {
        return address;
    }

    /** Why the bus is not reachable (empty when it is). */
    public Optional<String> problem() {
        return problem;
    }

    public boolean hasOwner(String name) {
        try {
            return dbus != null && dbus.NameHasOwner(name);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A .service file on the bus's service path names it: D-Bus starts its server on the first call. */
    public boolean activatable(String name) {
        try {
            return dbus != null && List.of(dbus.ListActivatableNames()).contains(name);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (Exception e) {
                // closing a bus that went away
            }
        }
    }
}
