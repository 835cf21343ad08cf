package dev.zmkagent.agent.notify;

import java.awt.AWTException;
import java.awt.CheckboxMenuItem;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The tray icon of {@code watch}, where {@link SystemTray} is supported: a menu to open the last report, open the
 * captures folder, pause capturing, and quit. Its tooltip names the last crash.
 */
public final class TrayController implements AutoCloseable {
    /** What the menu does; implemented by the watch loop. */
    public interface Actions {
        Optional<Path> lastReport();

        Path capturesFolder();

        void setPaused(boolean paused);

        void quit();
    }

    public static final String OPEN_LAST = "Open last report";
    public static final String OPEN_FOLDER = "Open captures folder";
    public static final String PAUSE = "Pause capturing";
    public static final String QUIT = "Quit";

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
            MenuItem openFolder = new MenuItem(OPEN_FOLDER);
            openFolder.addActionListener(e -> Opener.open(actions.capturesFolder()));
            CheckboxMenuItem pause = new CheckboxMenuItem(PAUSE, false);
            pause.addItemListener(e -> actions.setPaused(pause.getState()));
            MenuItem quit = new MenuItem(QUIT);
            quit.addActionListener(e -> actions.quit());
            menu.add(openLast);
            menu.add(openFolder);
            menu.addSeparator();
            menu.add(pause);
            menu.add(quit);
            TrayIcon icon = new TrayIcon(image(tray.getTrayIconSize().width, tray.getTrayIconSize().height), "zmk-agent: watching for keyboards", menu);
            icon.setImageAutoSize(true);
            tray.add(icon);
            return Optional.of(new TrayController(tray, icon, openLast));
        } catch (AWTException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** After a new capture: enable "Open last report" and name the crash in the tooltip. */
    public void captured(String headline) {
        openLast.setEnabled(true);
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
    public void close() {
        tray.remove(icon);
    }
}
