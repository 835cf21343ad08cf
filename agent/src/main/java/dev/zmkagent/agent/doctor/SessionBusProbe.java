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
        // A stale unix:path= (a bus of an earlier login) is said at once; dbus-java would retry it for seconds.
        for (String part : address.get().split(";")) {
            if (part.startsWith("unix:path=")) {
                String path = part.substring("unix:path=".length()).split(",")[0];
                if (!java.nio.file.Files.exists(java.nio.file.Path.of(path))) {
                    return new SessionBusProbe(address, Optional.of("cannot connect to the session bus at " + address.get() + ": no socket at " + path),
                            null, null);
                }
            }
        }
        // A socket whose other end never answers would block the connection for good: give it CONNECT_SECONDS.
        java.util.concurrent.FutureTask<SessionBusProbe> task = new java.util.concurrent.FutureTask<>(() -> open(address.get()));
        Thread t = new Thread(task, "doctor-session-bus");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(CONNECT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            t.interrupt();
            return new SessionBusProbe(address, Optional.of("the session bus at " + address.get() + " does not answer (waited " + CONNECT_SECONDS + " s)"),
                    null, null);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            String why = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            return new SessionBusProbe(address, Optional.of("cannot connect to the session bus at " + address.get() + ": " + why), null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SessionBusProbe(address, Optional.of("interrupted while connecting to the session bus"), null, null);
        }
    }

    static final int CONNECT_SECONDS = 5;

    private static SessionBusProbe open(String address) throws DBusException, java.io.IOException {
        DBusConnection c = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        try {
            DBus d = c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
            d.GetId(); // the bus answers, not only accepts the socket
            return new SessionBusProbe(Optional.of(address), Optional.empty(), c, d);
        } catch (RuntimeException e) {
            c.close();
            throw e;
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
