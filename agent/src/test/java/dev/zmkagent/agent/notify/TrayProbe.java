package dev.zmkagent.agent.notify;

import java.awt.CheckboxMenuItem;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.event.ActionEvent;
import java.awt.event.ItemEvent;
import java.nio.file.Path;
import java.util.Optional;

/** Run in a child JVM on the test's X display: installs the tray icon, drives its menu, prints what happened. */
public final class TrayProbe {
    public static void main(String[] args) throws Exception {
        StringBuilder calls = new StringBuilder();
        Optional<TrayController> tray = TrayController.install(new TrayController.Actions() {
            @Override
            public Optional<Path> lastReport() {
                return Optional.empty();
            }

            @Override
            public Path capturesFolder() {
                return Path.of("/nonexistent");
            }

            @Override
            public void setPaused(boolean paused) {
                calls.append("paused=").append(paused).append(';');
            }

            @Override
            public java.util.List<Tray.HistoryEntry> history() {
                return java.util.List.of(new Tray.HistoryEntry("K_ERR_KERNEL_OOPS in k_sched_unlock", java.nio.file.Path.of("/tmp/b/report.md")));
            }

            @Override
            public void quit() {
                calls.append("quit;");
            }
        });
        if (tray.isEmpty()) {
            System.out.println("tray: unsupported");
            System.exit(3);
        }
        PopupMenu menu = tray.get().icon().getPopupMenu();
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < menu.getItemCount(); i++) {
            MenuItem item = menu.getItem(i);
            labels.append(item.getLabel()).append('|');
            if (item instanceof CheckboxMenuItem c && c.getLabel().equals(TrayController.PAUSE)) {
                c.setState(true);
                for (var l : c.getItemListeners()) {
                    l.itemStateChanged(new ItemEvent(c, ItemEvent.ITEM_STATE_CHANGED, c.getLabel(), ItemEvent.SELECTED));
                }
            } else if (item.getLabel().equals(TrayController.QUIT)) {
                for (var l : item.getActionListeners()) {
                    l.actionPerformed(new ActionEvent(item, ActionEvent.ACTION_PERFORMED, "quit"));
                }
            }
        }
        boolean lastEnabledBefore = menu.getItem(0).isEnabled();
        tray.get().captured("K_ERR_CPU_EXCEPTION in foo");
        System.out.println("tray: installed");
        System.out.println("menu: " + labels);
        System.out.println("calls: " + calls);
        StringBuilder history = new StringBuilder();
        for (int i = 0; i < menu.getItemCount(); i++) {
            if (menu.getItem(i) instanceof java.awt.Menu sub && sub.getLabel().equals(Tray.HISTORY)) {
                for (int j = 0; j < sub.getItemCount(); j++) {
                    history.append(sub.getItem(j).getLabel()).append('|');
                }
            }
        }
        System.out.println("history: " + history);
        System.out.println("open-last enabled: " + lastEnabledBefore + " -> " + menu.getItem(0).isEnabled());
        System.out.println("tooltip: " + tray.get().icon().getToolTip());
        tray.get().close();
        System.exit(0);
    }
}
