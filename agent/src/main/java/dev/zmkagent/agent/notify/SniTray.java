package dev.zmkagent.agent.notify;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * The tray icon as a StatusNotifierItem: an object on the session bus that GNOME (AppIndicator extension), KDE
 * Plasma and most panels show, found through the org.kde.StatusNotifierWatcher it registers with. Its menu is a
 * com.canonical.dbusmenu object: open the last report, the history (recent crashes, each opening its report), the
 * captures folder, pause capturing, quit. A new capture raises the item to NeedsAttention and names the crash in
 * its tooltip until the report is opened.
 */
public final class SniTray implements Tray {
    static final String ITEM_PATH = "/StatusNotifierItem";
    static final String MENU_PATH = "/MenuBar";
    static final String ICON_NAME = "input-keyboard";

    static final int ID_ROOT = 0;
    static final int ID_OPEN_LAST = 1;
    static final int ID_HISTORY = 2;
    static final int ID_OPEN_FOLDER = 3;
    static final int ID_SEPARATOR = 4;
    static final int ID_PAUSE = 5;
    static final int ID_QUIT = 6;
    static final int ID_NO_HISTORY = 99;
    static final int ID_HISTORY_FIRST = 100;
    static final int HISTORY_ITEMS = 10;

    private final DBusConnection connection;
    private final String busName;
    private final Actions actions;
    private final Consumer<Path> opener;
    private final Item item = new Item();
    private final Menu menu = new Menu();
    private final AtomicInteger revision = new AtomicInteger(1);
    private volatile boolean paused;
    private volatile boolean reportAvailable;
    private volatile String status = "Active";
    private volatile String tooltip = "watching for keyboards";
    private volatile List<HistoryEntry> shownHistory = List.of();

    private SniTray(DBusConnection connection, String busName, Actions actions, Consumer<Path> opener) {
        this.connection = connection;
        this.busName = busName;
        this.actions = actions;
        this.opener = opener;
        this.reportAvailable = actions.lastReport().isPresent();
    }

    /**
     * Exports the item on the bus at {@code address} (the session bus when empty) and registers it with the
     * StatusNotifierWatcher; empty when there is no bus or no watcher (no panel shows such items: use AWT's tray).
     */
    public static Optional<SniTray> connect(Optional<String> address, Actions actions, Consumer<Path> opener) {
        DBusConnection c = null;
        try {
            c = address.isPresent() ? DBusConnectionBuilder.forAddress(address.get()).withShared(false).build()
                    : DBusConnectionBuilder.forSessionBus().withShared(false).build();
            DBus bus = c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
            if (!bus.NameHasOwner(StatusNotifierWatcher.BUS_NAME)) {
                c.close();
                return Optional.empty();
            }
            String name = "org.kde.StatusNotifierItem-" + ProcessHandle.current().pid() + "-1";
            SniTray tray = new SniTray(c, name, actions, opener);
            c.exportObject(ITEM_PATH, tray.item);
            c.exportObject(MENU_PATH, tray.menu);
            c.requestBusName(name);
            c.getRemoteObject(StatusNotifierWatcher.BUS_NAME, StatusNotifierWatcher.OBJECT, StatusNotifierWatcher.class)
                    .RegisterStatusNotifierItem(name);
            return Optional.of(tray);
        } catch (DBusException | java.io.IOException | RuntimeException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception closing) {
                    // the bus is gone anyway
                }
            }
            return Optional.empty();
        }
    }

    public String busName() {
        return busName;
    }

    @Override
    public void captured(String headline) {
        reportAvailable = true;
        tooltip = "last crash: " + headline;
        status = "NeedsAttention";
        send(new Signal(() -> new StatusNotifierItem.NewToolTip(ITEM_PATH)));
        send(new Signal(() -> new StatusNotifierItem.NewStatus(ITEM_PATH, "NeedsAttention")));
        layoutChanged();
    }

    @Override
    public String describe() {
        return "tray icon (StatusNotifierItem " + busName + ")";
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception e) {
            // closing a dead connection
        }
    }

    private interface SignalMaker {
        org.freedesktop.dbus.messages.DBusSignal make() throws DBusException;
    }

    private record Signal(SignalMaker maker) {
    }

    private void send(Signal s) {
        try {
            connection.sendMessage(s.maker().make());
        } catch (DBusException | RuntimeException e) {
            // a panel that misses an update reads the properties again when it shows the item
        }
    }

    private void layoutChanged() {
        int r = revision.incrementAndGet();
        send(new Signal(() -> new DbusMenu.LayoutUpdated(MENU_PATH, new UInt32(r), ID_ROOT)));
    }

    private void openLastReport() {
        actions.lastReport().ifPresent(p -> {
            opener.accept(p);
            if (!"Active".equals(status)) {
                status = "Active";
                send(new Signal(() -> new StatusNotifierItem.NewStatus(ITEM_PATH, "Active")));
            }
        });
    }

    void clicked(int id) {
        switch (id) {
            case ID_OPEN_LAST -> openLastReport();
            case ID_OPEN_FOLDER -> opener.accept(actions.capturesFolder());
            case ID_PAUSE -> {
                paused = !paused;
                actions.setPaused(paused);
                tooltip = paused ? "paused: crashes are not captured" : "watching for keyboards";
                send(new Signal(() -> new StatusNotifierItem.NewToolTip(ITEM_PATH)));
                layoutChanged();
            }
            case ID_QUIT -> actions.quit();
            default -> {
                int i = id - ID_HISTORY_FIRST;
                List<HistoryEntry> h = shownHistory;
                if (i >= 0 && i < h.size()) {
                    opener.accept(h.get(i).report());
                }
            }
        }
    }

    // ---- the menu's content ----------------------------------------------------------------------------------------

    private DbusMenu.Layout layout(int id, int depth) {
        List<Variant<?>> children = new ArrayList<>();
        if (depth != 0 && (id == ID_ROOT || id == ID_HISTORY)) {
            for (int child : children(id)) {
                children.add(new Variant<>(layout(child, depth - 1), DbusMenu.LAYOUT_SIGNATURE));
            }
        }
        return new DbusMenu.Layout(id, properties(id), children);
    }

    private List<Integer> children(int id) {
        if (id == ID_ROOT) {
            return List.of(ID_OPEN_LAST, ID_HISTORY, ID_OPEN_FOLDER, ID_SEPARATOR, ID_PAUSE, ID_QUIT);
        }
        List<HistoryEntry> h = actions.history();
        shownHistory = h.size() > HISTORY_ITEMS ? List.copyOf(h.subList(0, HISTORY_ITEMS)) : List.copyOf(h);
        if (shownHistory.isEmpty()) {
            return List.of(ID_NO_HISTORY);
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < shownHistory.size(); i++) {
            ids.add(ID_HISTORY_FIRST + i);
        }
        return ids;
    }

    private Map<String, Variant<?>> properties(int id) {
        Map<String, Variant<?>> p = new LinkedHashMap<>();
        switch (id) {
            case ID_ROOT -> p.put("children-display", new Variant<>("submenu"));
            case ID_OPEN_LAST -> {
                p.put("label", new Variant<>(OPEN_LAST));
                p.put("enabled", new Variant<>(reportAvailable || actions.lastReport().isPresent()));
            }
            case ID_HISTORY -> {
                p.put("label", new Variant<>(HISTORY));
                p.put("children-display", new Variant<>("submenu"));
            }
            case ID_NO_HISTORY -> {
                p.put("label", new Variant<>(NO_HISTORY));
                p.put("enabled", new Variant<>(false));
            }
            case ID_OPEN_FOLDER -> p.put("label", new Variant<>(OPEN_FOLDER));
            case ID_SEPARATOR -> p.put("type", new Variant<>("separator"));
            case ID_PAUSE -> {
                p.put("label", new Variant<>(PAUSE));
                p.put("toggle-type", new Variant<>("checkmark"));
                p.put("toggle-state", new Variant<>(paused ? 1 : 0));
            }
            case ID_QUIT -> p.put("label", new Variant<>(QUIT));
            default -> {
                int i = id - ID_HISTORY_FIRST;
                List<HistoryEntry> h = shownHistory;
                if (i >= 0 && i < h.size()) {
                    // '_' marks a mnemonic in dbusmenu labels; keep function names intact
                    p.put("label", new Variant<>(h.get(i).label().replace("_", "__")));
                }
            }
        }
        return p;
    }

    // ---- the D-Bus objects -----------------------------------------------------------------------------------------

    /** (iiay): an ARGB32 image in network byte order, for panels without the icon theme's input-keyboard. */
    public static final class Pixmap extends Struct {
        @Position(0)
        public final int width;
        @Position(1)
        public final int height;
        @Position(2)
        public final byte[] data;

        public Pixmap(int width, int height, byte[] data) {
            this.width = width;
            this.height = height;
            this.data = data;
        }
    }

    /** (sa(iiay)ss): icon name, icon pixmaps, title, text. */
    public static final class ToolTip extends Struct {
        @Position(0)
        public final String iconName;
        @Position(1)
        public final List<Pixmap> images;
        @Position(2)
        public final String title;
        @Position(3)
        public final String text;

        public ToolTip(String iconName, List<Pixmap> images, String title, String text) {
            this.iconName = iconName;
            this.images = images;
            this.title = title;
            this.text = text;
        }
    }

    static Pixmap pixmap(int size) {
        BufferedImage img = TrayController.image(size, size);
        byte[] data = new byte[img.getWidth() * img.getHeight() * 4];
        int k = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int argb = img.getRGB(x, y);
                data[k++] = (byte) (argb >>> 24);
                data[k++] = (byte) (argb >>> 16);
                data[k++] = (byte) (argb >>> 8);
                data[k++] = (byte) argb;
            }
        }
        return new Pixmap(img.getWidth(), img.getHeight(), data);
    }

    private Map<String, Variant<?>> itemProperties() {
        Map<String, Variant<?>> p = new LinkedHashMap<>();
        p.put("Category", new Variant<>("Hardware"));
        p.put("Id", new Variant<>("zmk-agent"));
        p.put("Title", new Variant<>("zmk-agent"));
        p.put("Status", new Variant<>(status));
        p.put("WindowId", new Variant<>(0));
        p.put("IconName", new Variant<>(ICON_NAME));
        p.put("IconPixmap", new Variant<>(List.of(pixmap(22), pixmap(48)), "a(iiay)"));
        p.put("AttentionIconName", new Variant<>("dialog-warning"));
        p.put("ToolTip", new Variant<>(new ToolTip(ICON_NAME, List.of(), "zmk-agent", tooltip), "(sa(iiay)ss)"));
        p.put("ItemIsMenu", new Variant<>(false));
        p.put("Menu", new Variant<>(new org.freedesktop.dbus.DBusPath(MENU_PATH)));
        return p;
    }

    private static Map<String, Variant<?>> menuProperties() {
        Map<String, Variant<?>> p = new LinkedHashMap<>();
        p.put("Version", new Variant<>(new UInt32(3)));
        p.put("TextDirection", new Variant<>("ltr"));
        p.put("Status", new Variant<>("normal"));
        p.put("IconThemePath", new Variant<>(List.of(), "as"));
        return p;
    }

    @SuppressWarnings("unchecked")
    private static <A> A property(Map<String, Variant<?>> all, String iface, String expected, String name) {
        if (!expected.equals(iface) && !iface.isEmpty()) {
            throw new DBusExecutionException("no interface " + iface);
        }
        Variant<?> v = all.get(name);
        if (v == null) {
            throw new DBusExecutionException("no property " + name);
        }
        return (A) v.getValue();
    }

    private final class Item implements StatusNotifierItem, Properties {
        @Override
        public void Activate(int x, int y) {
            openLastReport();
        }

        @Override
        public void SecondaryActivate(int x, int y) {
            openLastReport();
        }

        @Override
        public void ContextMenu(int x, int y) {
            // the host shows the menu from /MenuBar itself
        }

        @Override
        public void Scroll(int delta, String orientation) {
            // nothing to scroll
        }

        @Override
        public <A> A Get(String iface, String name) {
            return property(itemProperties(), iface, StatusNotifierItem.INTERFACE, name);
        }

        @Override
        public <A> void Set(String iface, String name, A value) {
            throw new DBusExecutionException("the item's properties are read-only");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return StatusNotifierItem.INTERFACE.equals(iface) || iface.isEmpty() ? itemProperties() : Map.of();
        }

        @Override
        public String getObjectPath() {
            return ITEM_PATH;
        }
    }

    private final class Menu implements DbusMenu, Properties {
        @Override
        public Pair<UInt32, Layout> GetLayout(int parentId, int recursionDepth, List<String> propertyNames) {
            return new Pair<>(new UInt32(revision.get()), layout(parentId, recursionDepth));
        }

        @Override
        public List<ItemProperties> GetGroupProperties(List<Integer> ids, List<String> propertyNames) {
            List<ItemProperties> out = new ArrayList<>();
            for (int id : ids) {
                out.add(new ItemProperties(id, properties(id)));
            }
            return out;
        }

        @Override
        public Variant<?> GetProperty(int id, String name) {
            Variant<?> v = properties(id).get(name);
            if (v == null) {
                throw new DBusExecutionException("item " + id + " has no property " + name);
            }
            return v;
        }

        @Override
        public void Event(int id, String eventId, Variant<?> data, UInt32 timestamp) {
            if ("clicked".equals(eventId)) {
                clicked(id);
            }
        }

        @Override
        public List<Integer> EventGroup(List<MenuEvent> events) {
            for (MenuEvent e : events) {
                Event(e.id, e.eventId, e.data, e.timestamp);
            }
            return List.of();
        }

        @Override
        public boolean AboutToShow(int id) {
            // the history changes between openings: ask the host to fetch the layout again
            return id == ID_ROOT || id == ID_HISTORY;
        }

        @Override
        public Pair<List<Integer>, List<Integer>> AboutToShowGroup(List<Integer> ids) {
            List<Integer> update = new ArrayList<>();
            for (int id : ids) {
                if (AboutToShow(id)) {
                    update.add(id);
                }
            }
            return new Pair<>(update, List.of());
        }

        @Override
        public <A> A Get(String iface, String name) {
            return property(menuProperties(), iface, DbusMenu.INTERFACE, name);
        }

        @Override
        public <A> void Set(String iface, String name, A value) {
            throw new DBusExecutionException("the menu's properties are read-only");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return DbusMenu.INTERFACE.equals(iface) || iface.isEmpty() ? menuProperties() : Map.of();
        }

        @Override
        public String getObjectPath() {
            return MENU_PATH;
        }
    }
}
