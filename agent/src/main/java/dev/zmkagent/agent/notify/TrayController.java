package dev.zmkagent.agent.notify;

import java.awt.AWTException;
import java.awt.CheckboxMenuItem;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/**
 * The tray icon of {@code watch} through AWT's {@link SystemTray} (the XEmbed tray of older panels), used where no
 * StatusNotifierWatcher is on the session bus: a menu to open the last report, the history, the captures folder,
 * pause capturing, and quit. Its tooltip names the last crash.
 */
public final class TrayController implements Tray {

    private final SystemTray tray;
    private final TrayIcon icon;
    private final MenuItem openLast;

    private TrayController(SystemTray tray, TrayIcon icon, MenuItem openLast) {
        this.tray = tray;
        this.icon = icon;
        this.openLast = openLast;
    }

    /** Adds the icon, or returns empty when the desktop has no tray (or there is no display). */
    public static Optional<TrayController> install(Actions actions) {
        try {
            if (GraphicsEnvironment.isHeadless() || !SystemTray.isSupported()) {
                return Optional.empty();
            }
            SystemTray tray = SystemTray.getSystemTray();
            PopupMenu menu = new PopupMenu();
            MenuItem openLast = new MenuItem(OPEN_LAST);
            openLast.setEnabled(actions.lastReport().isPresent());
            openLast.addActionListener(e -> actions.lastReport().ifPresent(Opener::open));
            Menu history = new Menu(HISTORY);
            fillHistory(history, actions);
            MenuItem openFolder = new MenuItem(OPEN_FOLDER);
            openFolder.addActionListener(e -> Opener.open(actions.capturesFolder()));
            CheckboxMenuItem pause = new CheckboxMenuItem(PAUSE, false);
            pause.addItemListener(e -> actions.setPaused(pause.getState()));
            MenuItem quit = new MenuItem(QUIT);
            quit.addActionListener(e -> actions.quit());
            menu.add(openLast);
            menu.add(history);
            menu.add(openFolder);
            menu.addSeparator();
            menu.add(pause);
            menu.add(quit);
            TrayIcon icon = new TrayIcon(image(tray.getTrayIconSize().width, tray.getTrayIconSize().height), "zmk-agent: watching for keyboards", menu);
            icon.setImageAutoSize(true);
            tray.add(icon);
            TrayController controller = new TrayController(tray, icon, openLast);
            controller.history = history;
            controller.actions = actions;
            return Optional.of(controller);
        } catch (AWTException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private Menu history;
    private Actions actions;

    static void fillHistory(Menu history, Actions actions) {
        history.removeAll();
        List<HistoryEntry> entries = actions.history();
        if (entries.isEmpty()) {
            MenuItem none = new MenuItem(NO_HISTORY);
            none.setEnabled(false);
            history.add(none);
        }
        for (HistoryEntry h : entries.subList(0, Math.min(entries.size(), SniTray.HISTORY_ITEMS))) {
            MenuItem item = new MenuItem(h.label());
            item.addActionListener(e -> Opener.open(h.report()));
            history.add(item);
        }
    }

    /** After a new capture: enable "Open last report", list it in the history and name the crash in the tooltip. */
    @Override
    public void captured(String headline) {
        openLast.setEnabled(true);
        fillHistory(history, actions);
        icon.setToolTip("zmk-agent: last crash " + headline);
    }

    public TrayIcon icon() {
        return icon;
    }

    static BufferedImage image(int w, int h) {
        int width = Math.max(w, 16);
        int height = Math.max(h, 16);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(0x2b, 0x2d, 0x42));
        g.fillRoundRect(1, height / 4, width - 2, height / 2, 4, 4);
        g.setColor(Color.WHITE);
        int keys = 4;
        int kw = (width - 4) / keys;
        for (int i = 0; i < keys; i++) {
            g.fillRect(3 + i * kw, height / 4 + 3, kw - 2, height / 2 - 6);
        }
        g.dispose();
        return img;
    }

    @Override
    public String describe() {
        return "tray icon (AWT system tray)";
    }

    @Override
    public void close() {
        tray.remove(icon);
    }
}
