package dev.zmkagent.agent.watch;

import dev.zmkagent.agent.capture.BootloaderDrive;
import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.notify.Notification;
import dev.zmkagent.agent.notify.Notifier;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs a {@link WatchLoop} on a thread over one media folder and records what it did. */
final class WatchHarness implements AutoCloseable {
    final CaptureStore store;
    final FirmwareRegistry registry;
    final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final List<Notification> notifications = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final WatchLoop loop;
    private final Thread thread;

    WatchHarness(Path media, Path data, CaptureListener progress, boolean mountTable) {
        store = new CaptureStore(data.resolve("captures"));
        registry = new FirmwareRegistry(data.resolve("firmware"));
        Notifier recording = new Notifier() {
            @Override
            public boolean notify(Notification n) {
                notifications.add(n);
                return true;
            }

            @Override
            public String describe() {
                return "test notifier";
            }
        };
        loop = new WatchLoop(new WatchLoop.Config(List.of(media), mountTable, Duration.ofMillis(300), Duration.ofSeconds(10)),
                new Capturer(BoardCatalog.builtin(), store, registry, true), recording,
                new Journal(new PrintStream(logBytes, true), true, true), new WatchLoop.Events() {
                    @Override
                    public void appeared(BootloaderDrive drive) {
                        events.add("appeared " + drive.root().getFileName());
                    }

                    @Override
                    public void left(Path root) {
                        events.add("left " + root.getFileName());
                    }

                    @Override
                    public void finished(CaptureOutcome outcome) {
                        events.add(outcome);
                    }

                    @Override
                    public void failed(Path root, Exception e) {
                        events.add("failed " + root.getFileName() + ": " + e);
                    }
                }, progress);
        thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Exception e) {
                events.add("loop died: " + e);
            }
        }, "watch-under-test");
        thread.start();
    }

    /** Waits for the next event matching {@code p}, failing after {@code seconds}. */
    Object await(Predicate<Object> p, int seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Object e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && p.test(e)) {
                return e;
            }
        }
        throw new AssertionError("timed out waiting for " + what + "; log:\n" + log());
    }

    static Predicate<Object> outcome(CaptureOutcome.Status s) {
        return e -> e instanceof CaptureOutcome o && o.status() == s;
    }

    String log() {
        return logBytes.toString();
    }

    @Override
    public void close() throws InterruptedException {
        loop.stop();
        thread.join(10_000);
    }
}
