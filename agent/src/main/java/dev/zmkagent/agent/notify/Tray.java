package dev.zmkagent.agent.notify;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The tray icon of {@code watch}, whichever way the desktop shows one: a StatusNotifierItem over D-Bus (GNOME with
 * the AppIndicator extension, KDE Plasma, most panels today) or AWT's XEmbed tray icon (older panels).
 */
public interface Tray extends AutoCloseable {
    /** What the menu does; implemented by the watch. */
    interface Actions {
        Optional<Path> lastReport();

        /** The history menu: recent crash signatures, newest first, each with its latest report. */
        default List<HistoryEntry> history() {
            return List.of();
        }

        Path capturesFolder();

        void setPaused(boolean paused);

        void quit();
    }

    /** One line of the history menu. */
    record HistoryEntry(String label, Path report) {
    }

    String OPEN_LAST = "Open last report";
    String HISTORY = "History";
    String NO_HISTORY = "No captures yet";
    String OPEN_FOLDER = "Open captures folder";
    String PAUSE = "Pause capturing";
    String QUIT = "Quit";

    /** After a new capture: "Open last report" works and the crash is named. */
    void captured(String headline);

    String describe();

    @Override
    void close();
}
