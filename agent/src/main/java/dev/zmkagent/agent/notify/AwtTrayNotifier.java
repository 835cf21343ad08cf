package dev.zmkagent.agent.notify;

import java.awt.AWTException;
import java.awt.GraphicsEnvironment;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.util.Optional;

/** Notifications as balloon messages of an AWT tray icon (Windows without the PowerShell toast). */
public final class AwtTrayNotifier implements Notifier {
    private final SystemTray tray;
    private final TrayIcon icon;

    private AwtTrayNotifier(SystemTray tray, TrayIcon icon) {
        this.tray = tray;
        this.icon = icon;
    }

    public static Optional<Notifier> create() {
        try {
            if (GraphicsEnvironment.isHeadless() || !SystemTray.isSupported()) {
                return Optional.empty();
            }
            SystemTray tray = SystemTray.getSystemTray();
            TrayIcon icon = new TrayIcon(TrayController.image(tray.getTrayIconSize().width, tray.getTrayIconSize().height), "zmk-agent");
            icon.setImageAutoSize(true);
            tray.add(icon);
            return Optional.of(new AwtTrayNotifier(tray, icon));
        } catch (AWTException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean notify(Notification n) {
        icon.displayMessage(n.summary(), n.body() + n.report().map(r -> "\nReport: " + r).orElse(""), TrayIcon.MessageType.ERROR);
        return true;
    }

    @Override
    public String describe() {
        return "AWT tray messages";
    }

    @Override
    public void close() {
        tray.remove(icon);
    }
}
