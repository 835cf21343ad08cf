package dev.zmkagent.agent.notify;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** org.kde.StatusNotifierWatcher: where an item announces itself to the panels (hosts). */
@DBusInterfaceName("org.kde.StatusNotifierWatcher")
public interface StatusNotifierWatcher extends DBusInterface {
    String BUS_NAME = "org.kde.StatusNotifierWatcher";
    String OBJECT = "/StatusNotifierWatcher";

    void RegisterStatusNotifierItem(String service);

    void RegisterStatusNotifierHost(String service);
}
