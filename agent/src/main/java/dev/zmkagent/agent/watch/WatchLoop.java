package dev.zmkagent.agent.watch;

import dev.zmkagent.agent.capture.BootloaderDrive;
import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.capture.CrashSignatures;
import dev.zmkagent.agent.notify.Notification;
import dev.zmkagent.agent.notify.Notifier;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.FormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The background loop of {@code zmk-agent watch}: notices bootloader drives appearing and leaving, captures each new
 * one on its own thread (several keyboards at once), notifies on every new capture.
 *
 * <p>Idle cost is near zero: the thread sleeps in {@link WatchService#poll} (inotify on Linux) on the media roots and,
 * every {@code rescan} interval, compares the mount table (one small read) with the last one; folders are probed only
 * when something changed. A folder that was just created is probed every 100 ms for a few seconds, because the file
 * system is mounted on it after it appears.
 *
 * <p>A drive that leaves in the middle of a capture leaves nothing in the store (the store writes only whole
 * captures); it is captured again when it comes back.
 */
public final class WatchLoop implements AutoCloseable {
    /** Where to look and how often to look again without events. */
    public record Config(List<Path> roots, boolean mountTable, Duration rescan, Duration settle) {
        public static Config defaults(List<Path> roots) {
            return new Config(roots, MediaRoots.hasMountTable(), Duration.ofSeconds(2), Duration.ofSeconds(10));
        }
    }

    /** Hooks for the tray and for tests. */
    public interface Events {
        default void appeared(BootloaderDrive drive) {
        }

        default void left(Path root) {
        }

        default void finished(CaptureOutcome outcome) {
        }

        default void failed(Path root, Exception e) {
        }
    }

    private static final int RETRIES = 3;
    private static final long FAST_PROBE_MS = 100;
    /**
     * How long a drive that went away during a capture is probed for often: a drive unmounted and mounted again at the
     * same place between two rescans leaves the mount table as it was and makes no folder event, so without this its
     * return would go unseen.
     */
    private static final Duration RETURN_WINDOW = Duration.ofMinutes(2);

    private final Config config;
    private final Capturer capturer;
    private final Notifier notifier;
    private final Journal log;
    private final Events events;
    private final CaptureListener progress;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "zmk-agent-capture");
        t.setDaemon(true);
        return t;
    });
    private final Map<Path, BootloaderDrive> present = new ConcurrentHashMap<>();
    private final Set<Path> capturing = ConcurrentHashMap.newKeySet();
    /** Roots to probe often until a drive is there or the time (nanoTime) passes: new folders, and drives that went away mid-capture. */
    private final Map<Path, Long> settling = new ConcurrentHashMap<>();
    private final AtomicReference<Path> lastReport = new AtomicReference<>();
    private volatile boolean paused;
    private volatile boolean stopped;
    private WatchService watcher;

    public WatchLoop(Config config, Capturer capturer, Notifier notifier, Journal log, Events events, CaptureListener progress) {
        this.config = config;
        this.capturer = capturer;
        this.notifier = notifier;
        this.log = log;
        this.events = events;
        this.progress = progress;
    }

    public Optional<Path> lastReport() {
        return Optional.ofNullable(lastReport.get());
    }

    public void setPaused(boolean p) {
        paused = p;
        log.notice(p ? "paused: drives are noticed but not captured" : "resumed");
        if (!p) {
            present.values().forEach(this::startCapture);
        }
    }

    public void stop() {
        stopped = true;
        WatchService w = watcher;
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                // closing wakes the loop; nothing else to do
            }
        }
    }

    /** Runs until {@link #stop()}. */
    public void run() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        Map<Path, WatchKey> keys = new HashMap<>();
        String mounts = config.mountTable() ? MediaRoots.readMountTable() : "";
        register(keys);
        log.info("watching " + config.roots() + (config.mountTable() ? " and the mount table" : "") + "; " + notifier.describe());
        scan();
        long lastRescan = System.nanoTime();
        try {
            while (!stopped) {
                long timeout = settling.isEmpty() ? config.rescan().toMillis() : FAST_PROBE_MS;
                WatchKey key = watcher.poll(timeout, TimeUnit.MILLISECONDS);
                boolean changed = false;
                while (key != null) {
                    Path dir = (Path) key.watchable();
                    for (WatchEvent<?> ev : key.pollEvents()) {
                        changed = true;
                        if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE && ev.context() instanceof Path child) {
                            settling.put(dir.resolve(child), System.nanoTime() + config.settle().toNanos());
                        }
                    }
                    if (!key.reset()) {
                        keys.values().remove(key);
                    }
                    key = watcher.poll();
                }
                if (System.nanoTime() - lastRescan >= config.rescan().toNanos()) {
                    lastRescan = System.nanoTime();
                    if (register(keys)) {
                        changed = true;
                    }
                    if (config.mountTable()) {
                        String now = MediaRoots.readMountTable();
                        if (!now.equals(mounts)) {
                            mounts = now;
                            changed = true;
                        }
                    } else {
                        changed = true; // no mount table to compare (macOS, Windows): probe the roots
                    }
                }
                if (changed || !settling.isEmpty()) {
                    scan();
                }
            }
        } catch (ClosedWatchServiceException e) {
            // stop() closed it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /** Registers roots that exist and are not yet watched; true when one was added. */
    private boolean register(Map<Path, WatchKey> keys) {
        boolean added = false;
        for (Path r : config.roots()) {
            if (!keys.containsKey(r) && Files.isDirectory(r)) {
                try {
                    keys.put(r, r.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE));
                    added = true;
                } catch (IOException | UnsupportedOperationException e) {
                    log.debug("cannot watch " + r + ": " + e.getMessage());
                }
            }
        }
        return added;
    }

    private void scan() {
        Map<Path, BootloaderDrive> now = new HashMap<>();
        for (BootloaderDrive d : MediaRoots.findDrives(config.roots(), config.mountTable())) {
            now.put(d.root(), d);
        }
        long t = System.nanoTime();
        settling.entrySet().removeIf(e -> now.containsKey(e.getKey()) || e.getValue() < t);
        for (Path gone : Set.copyOf(present.keySet())) {
            if (!now.containsKey(gone)) {
                present.remove(gone);
                log.info("bootloader drive left: " + gone);
                events.left(gone);
            }
        }
        for (BootloaderDrive d : now.values()) {
            if (present.putIfAbsent(d.root(), d) == null) {
                log.info("bootloader drive appeared: " + d);
                events.appeared(d);
                if (paused) {
                    log.notice("paused: not capturing " + d.root());
                } else {
                    startCapture(d);
                }
            }
        }
    }

    private void startCapture(BootloaderDrive d) {
        if (!capturing.add(d.root())) {
            return;
        }
        workers.submit(() -> {
            try {
                captureWithRetries(d);
            } finally {
                capturing.remove(d.root());
            }
        });
    }

    private void captureWithRetries(BootloaderDrive drive) {
        BootloaderDrive d = drive;
        for (int attempt = 1; attempt <= RETRIES && !stopped; attempt++) {
            try {
                log.info("capturing from " + d.root());
                CaptureOutcome o = capturer.capture(d, progress);
                report(o);
                events.finished(o);
                return;
            } catch (IOException | UncheckedIOException e) {
                Optional<BootloaderDrive> still = BootloaderDrive.probe(d.root());
                if (still.isEmpty()) {
                    log.warn("the drive " + d.root() + " went away during the capture (" + message(e) + "); nothing was stored; it is captured when it comes back");
                    present.remove(d.root()); // so its return counts as an appearance even if no scan saw it leave
                    settling.put(d.root(), System.nanoTime() + RETURN_WINDOW.toNanos());
                    events.failed(d.root(), e);
                    return;
                }
                log.warn("capture from " + d.root() + " failed (attempt " + attempt + " of " + RETRIES + "): " + message(e));
                events.failed(d.root(), e);
                d = still.get();
                sleep(500);
            } catch (FormatException e) {
                // A drive seen while its files are still appearing (a folder-backed drive, a slow mount) reads as malformed
                // for a moment: look again before giving up.
                Optional<BootloaderDrive> again = BootloaderDrive.probe(d.root());
                if (attempt == RETRIES || again.isEmpty()) {
                    log.error("cannot capture from " + d.root() + ": " + e.getMessage());
                    events.failed(d.root(), e);
                    return;
                }
                log.debug("capture from " + d.root() + " failed (" + e.getMessage() + "); looking again");
                d = again.get();
                sleep(500);
            } catch (RuntimeException e) {
                log.error("capture from " + d.root() + " hit a bug: " + e);
                events.failed(d.root(), e);
                return;
            }
        }
    }

    private void report(CaptureOutcome o) {
        switch (o.status()) {
            case NO_DUMP -> {
                log.info("no coredump on " + o.drive().root() + " (" + String.join("; ", o.looked()) + ")");
                o.hang().ifPresent(h -> {
                    // an erased partition after a freeze: say so, and what would have made it a dump
                    log.notice("no dump was written: a hang, not a fault; " + String.join("; ", h.lines()));
                    String model = o.drive().info().model().orElse("keyboard");
                    boolean shown = notifier.notify(new Notification("Keyboard froze without a crash dump: " + model, h.notificationBody(),
                            Optional.empty(), Optional.empty()));
                    if (!shown) {
                        log.warn("the desktop notification could not be shown (" + notifier.describe() + ")");
                    }
                });
            }
            case ALREADY_CAPTURED -> log.info("already captured: " + o.capture().map(StoredCapture::id).orElse("?") + " (same partition content)");
            case STORED -> {
                StoredCapture c = o.capture().orElseThrow();
                String headline = o.report().map(CrashSignatures::headline).orElse("crash");
                Path report = c.file("report.md");
                lastReport.set(report);
                log.notice("captured " + headline + " from " + o.drive().info().model().orElse(c.board()) + " into " + c.dir()
                        + " (" + o.bytesBeforeReport() + " bytes read before the report)");
                boolean shown = notifier.notify(new Notification("Keyboard crash captured: " + o.drive().info().model().orElse(c.board()), headline + " (signature " + c.signature() + ")", Optional.of(report), Optional.of(c.dir())));
                if (!shown) {
                    log.warn("the desktop notification could not be shown (" + notifier.describe() + ")");
                }
            }
        }
    }

    private static String message(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopped = true;
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException e) {
            // already closed
        }
    }
}
