package dev.zmkagent.device.usb;

import dev.zmkagent.device.boards.Board;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Reports arrivals and departures of the wanted devices by diffing successive scans of a {@link UsbSource}. This is
 * the hotplug path that works with every source (libusb, sysfs, recorded); {@link #poll()} runs one step by hand.
 */
public final class UsbWatcher implements AutoCloseable {
    private final UsbSource source;
    private final Set<Board.UsbId> wanted;
    private final Consumer<UsbEvent> listener;
    private final AtomicBoolean running = new AtomicBoolean();
    private Set<UsbDevice> known = new HashSet<>();
    private Thread thread;

    public UsbWatcher(UsbSource source, Set<Board.UsbId> wanted, Consumer<UsbEvent> listener) {
        this.source = source;
        this.wanted = Set.copyOf(wanted);
        this.listener = listener;
    }

    /** One diff step: returns (and reports) the events since the previous step. */
    public synchronized List<UsbEvent> poll() {
        UsbScan scan = source.scan(wanted);
        List<UsbEvent> events = new ArrayList<>();
        if (scan.status() != UsbScan.Status.OK && scan.devices().isEmpty()) {
            return events;
        }
        Set<UsbDevice> now = new HashSet<>(scan.devices());
        for (UsbDevice d : now) {
            if (!known.contains(d)) {
                events.add(new UsbEvent(UsbEvent.Kind.ARRIVED, d));
            }
        }
        for (UsbDevice d : known) {
            if (!now.contains(d)) {
                events.add(new UsbEvent(UsbEvent.Kind.LEFT, d));
            }
        }
        known = now;
        events.forEach(listener);
        return events;
    }

    /** Polls on a daemon thread every {@code interval} until closed. */
    public UsbWatcher start(Duration interval) {
        if (running.compareAndSet(false, true)) {
            thread = new Thread(() -> {
                while (running.get()) {
                    poll();
                    try {
                        Thread.sleep(interval.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "usb-watcher");
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    @Override
    public void close() {
        running.set(false);
        if (thread != null) {
            thread.interrupt();
        }
    }
}
