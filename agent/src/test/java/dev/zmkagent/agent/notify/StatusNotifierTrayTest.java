package dev.zmkagent.agent.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.testkit.SessionBus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The StatusNotifierItem tray against a StatusNotifierWatcher this test runs on a private D-Bus daemon, the test
 * acting as the panel (host): the item registers itself, its properties and menu read the way a panel reads them,
 * menu clicks reach the watch's actions, and a capture raises the item and names the crash.
 */
class StatusNotifierTrayTest {
    private SessionBus daemon;
    private String address;
    private DBusConnection host;
    private final List<String> registered = new CopyOnWriteArrayList<>();

    /** The test's org.kde.StatusNotifierWatcher: records which items register. */
    final class Watcher implements StatusNotifierWatcher, Properties {
        @Override
        public void RegisterStatusNotifierItem(String service) {
            registered.add(service);
        }

        @Override
        public void RegisterStatusNotifierHost(String service) {
        }

        @SuppressWarnings("unchecked")
        @Override
        public <A> A Get(String iface, String name) {
            return (A) GetAll(iface).get(name).getValue();
        }

        @Override
        public <A> void Set(String iface, String name, A value) {
            throw new DBusExecutionException("read-only");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            Map<String, Variant<?>> p = new LinkedHashMap<>();
            p.put("RegisteredStatusNotifierItems", new Variant<>(new ArrayList<>(registered), "as"));
            p.put("IsStatusNotifierHostRegistered", new Variant<>(true));
            p.put("ProtocolVersion", new Variant<>(0));
            return p;
        }

        @Override
        public String getObjectPath() {
            return OBJECT;
        }
    }

    /** What the watch would do, recorded. */
    static final class RecordedActions implements Tray.Actions {
        volatile Optional<Path> last = Optional.empty();
        volatile List<Tray.HistoryEntry> history = List.of();
        final List<Boolean> paused = new CopyOnWriteArrayList<>();
        volatile int quits;

        @Override
        public Optional<Path> lastReport() {
            return last;
        }

        @Override
        public List<Tray.HistoryEntry> history() {
            return history;
        }

        @Override
        public Path capturesFolder() {
            return Path.of("/data/captures");
        }

        @Override
        public void setPaused(boolean p) {
            paused.add(p);
        }

        @Override
        public void quit() {
            quits++;
        }
    }

    @BeforeEach
    void bus() throws Exception {
        Desktop.assumeTools("dbus-daemon", "dbus-send");
        daemon = new SessionBus();
        address = daemon.address();
        host = DBusConnectionBuilder.forAddress(address).withShared(false).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void withoutAWatcherThereIsNoItemSoTheWatchFallsBackToAwt() {
        assertTrue(SniTray.connect(Optional.of(address), new RecordedActions(), p -> { }).isEmpty());
    }

    @Test
    void itemRegistersShowsItsMenuAndMenuClicksReachTheWatch() throws Exception {
        host.exportObject(StatusNotifierWatcher.OBJECT, new Watcher());
        host.requestBusName(StatusNotifierWatcher.BUS_NAME);
        RecordedActions actions = new RecordedActions();
        actions.history = List.of(new Tray.HistoryEntry("K_ERR_ARM_BUS_PRECISE_DATA_BUS in binding_param (3×)", Path.of("/data/captures/a/report.md")),
                new Tray.HistoryEntry("K_ERR_KERNEL_OOPS in k_sched_unlock", Path.of("/data/captures/b/report.md")));
        List<Path> opened = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<Long> layoutRevisions = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> statuses = new LinkedBlockingQueue<>();
        host.addSigHandler(DbusMenu.LayoutUpdated.class, s -> layoutRevisions.add(s.getRevision().longValue()));
        host.addSigHandler(StatusNotifierItem.NewStatus.class, s -> statuses.add(s.getStatus()));

        SniTray tray = SniTray.connect(Optional.of(address), actions, opened::add).orElseThrow();
        try {
            assertEquals(List.of(tray.busName()), registered);
            Properties item = host.getRemoteObject(tray.busName(), SniTray.ITEM_PATH, Properties.class);
            assertEquals("zmk-agent", item.Get(StatusNotifierItem.INTERFACE, "Id"));
            assertEquals("Active", item.Get(StatusNotifierItem.INTERFACE, "Status"));
            assertEquals("input-keyboard", item.Get(StatusNotifierItem.INTERFACE, "IconName"));
            Object menuPath = item.Get(StatusNotifierItem.INTERFACE, "Menu");
            assertEquals(SniTray.MENU_PATH, menuPath instanceof DBusPath p ? p.getPath() : String.valueOf(menuPath));
            Map<String, Variant<?>> all = item.GetAll(StatusNotifierItem.INTERFACE);
            assertTrue(all.keySet().containsAll(List.of("Category", "Title", "ToolTip", "IconPixmap", "ItemIsMenu")), all.keySet().toString());

            // what a panel written in C sees: the spec's signatures, read by dbus-send rather than by dbus-java
            String introspection = dbusSend(tray.busName(), SniTray.MENU_PATH, "org.freedesktop.DBus.Introspectable.Introspect");
            assertTrue(introspection.matches("(?s).*<method name=\"GetLayout\"\\s*>\\s*<arg type=\"i\" direction=\"in\"/>\\s*<arg type=\"i\" direction=\"in\"/>"
                    + "\\s*<arg type=\"as\" direction=\"in\"/>\\s*<arg type=\"u\" direction=\"out\"/>\\s*<arg type=\"\\(ia\\{sv\\}av\\)\" direction=\"out\"/>.*"), introspection);
            String tooltip = dbusSend(tray.busName(), SniTray.ITEM_PATH, "org.freedesktop.DBus.Properties.Get",
                    "string:" + StatusNotifierItem.INTERFACE, "string:ToolTip");
            assertTrue(tooltip.matches("(?s).*variant\\s+struct \\{\\s+string \"input-keyboard\"\\s+array \\[\\s*\\]\\s+string \"zmk-agent\".*"), tooltip);
            String layout = dbusSend(tray.busName(), SniTray.MENU_PATH, "com.canonical.dbusmenu.GetLayout", "int32:0", "int32:-1", "array:string:");
            assertTrue(layout.matches("(?s)\\s*uint32 \\d+\\s+struct \\{\\s+int32 0.*variant\\s+struct \\{\\s+int32 1.*"), layout);

            DbusMenu menu = host.getRemoteObject(tray.busName(), SniTray.MENU_PATH, DbusMenu.class);
            Node root = Node.of(menu.GetLayout(0, -1, List.of()).second);
            assertEquals(List.of(Tray.OPEN_LAST, Tray.HISTORY, Tray.OPEN_FOLDER, "", Tray.PAUSE, Tray.QUIT), root.labels());
            assertEquals(false, root.child(Tray.OPEN_LAST).properties.get("enabled"), "nothing to open before a capture");
            Node history = root.child(Tray.HISTORY);
            assertEquals("submenu", history.properties.get("children-display"));
            assertEquals(List.of("K__ERR__ARM__BUS__PRECISE__DATA__BUS in binding__param (3×)", "K__ERR__KERNEL__OOPS in k__sched__unlock"),
                    history.labels(), "history labels, '_' escaped as dbusmenu wants");

            menu.Event(history.children.get(1).id, "clicked", new Variant<>(0), new UInt32(0));
            assertEquals(List.of(Path.of("/data/captures/b/report.md")), opened);
            menu.Event(root.child(Tray.OPEN_FOLDER).id, "clicked", new Variant<>(0), new UInt32(0));
            assertEquals(Path.of("/data/captures"), opened.get(1));

            int pause = root.child(Tray.PAUSE).id;
            assertEquals(0, root.child(Tray.PAUSE).properties.get("toggle-state"));
            menu.Event(pause, "clicked", new Variant<>(0), new UInt32(0));
            assertEquals(List.of(true), actions.paused);
            assertEquals(1, Node.of(menu.GetLayout(0, -1, List.of()).second).child(Tray.PAUSE).properties.get("toggle-state"));
            assertTrue(layoutRevisions.poll(5, TimeUnit.SECONDS) != null, "LayoutUpdated after pausing");
            menu.Event(pause, "clicked", new Variant<>(0), new UInt32(0));
            assertEquals(List.of(true, false), actions.paused);

            actions.last = Optional.of(Path.of("/data/captures/c/report.md"));
            tray.captured("K_ERR_ARM_BUS_PRECISE_DATA_BUS in binding_param");
            assertEquals("NeedsAttention", statuses.poll(5, TimeUnit.SECONDS));
            assertEquals("NeedsAttention", item.Get(StatusNotifierItem.INTERFACE, "Status"));
            Object tip = item.Get(StatusNotifierItem.INTERFACE, "ToolTip");
            assertTrue(String.valueOf(tip instanceof Object[] a ? a[3] : tip instanceof SniTray.ToolTip t ? t.text : tip)
                    .contains("K_ERR_ARM_BUS_PRECISE_DATA_BUS in binding_param"), String.valueOf(tip));
            Node after = Node.of(menu.GetLayout(0, -1, List.of()).second);
            assertEquals(true, after.child(Tray.OPEN_LAST).properties.get("enabled"));
            menu.Event(after.child(Tray.OPEN_LAST).id, "clicked", new Variant<>(0), new UInt32(0));
            assertEquals(Path.of("/data/captures/c/report.md"), opened.get(2));
            assertEquals("Active", statuses.poll(5, TimeUnit.SECONDS), "opening the report acknowledges the crash");

            menu.Event(after.child(Tray.QUIT).id, "clicked", new Variant<>(0), new UInt32(0));
            assertEquals(1, actions.quits);
        } finally {
            tray.close();
        }
    }

    @Test
    void anEmptyHistorySaysSo() throws Exception {
        host.exportObject(StatusNotifierWatcher.OBJECT, new Watcher());
        host.requestBusName(StatusNotifierWatcher.BUS_NAME);
        SniTray tray = SniTray.connect(Optional.of(address), new RecordedActions(), p -> { }).orElseThrow();
        try {
            DbusMenu menu = host.getRemoteObject(tray.busName(), SniTray.MENU_PATH, DbusMenu.class);
            Node history = Node.of(menu.GetLayout(0, -1, List.of()).second).child(Tray.HISTORY);
            assertEquals(List.of(Tray.NO_HISTORY), history.labels());
            assertFalse((Boolean) history.children.get(0).properties.get("enabled"));
        } finally {
            tray.close();
        }
    }

    private String dbusSend(String dest, String path, String method, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dbus-send", "--bus=" + address, "--print-reply", "--dest=" + dest, path, method));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out.substring(out.indexOf('\n') + 1);
    }

    /** A menu item as the host sees it, whichever form dbus-java hands the nested variants in. */
    record Node(int id, Map<String, Object> properties, List<Node> children) {
        static Node of(Object o) {
            if (o instanceof Variant<?> v) {
                return of(v.getValue());
            }
            int id;
            Map<?, ?> props;
            List<?> kids;
            if (o instanceof DbusMenu.Layout l) {
                id = l.id;
                props = l.properties;
                kids = l.children;
            } else {
                Object[] a = (Object[]) o;
                id = ((Number) a[0]).intValue();
                props = (Map<?, ?>) a[1];
                kids = (List<?>) a[2];
            }
            Map<String, Object> p = new LinkedHashMap<>();
            props.forEach((k, v) -> p.put((String) k, v instanceof Variant<?> var ? var.getValue() : v));
            List<Node> c = new ArrayList<>();
            for (Object k : kids) {
                c.add(of(k));
            }
            return new Node(id, p, c);
        }

        List<String> labels() {
            return children.stream().map(n -> String.valueOf(n.properties.getOrDefault("label", ""))).toList();
        }

        Node child(String label) {
            return children.stream().filter(n -> label.equals(n.properties.get("label"))).findFirst().orElseThrow(() -> new AssertionError("no item " + label));
        }
    }
}
