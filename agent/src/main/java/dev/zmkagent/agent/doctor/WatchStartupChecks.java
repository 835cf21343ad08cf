package dev.zmkagent.agent.doctor;

import dev.zmkagent.agent.watch.Journal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The desktop doctor, run once when {@code watch} starts, each problem logged with its fix: a watch started in the
 * background (the systemd user unit, a login item) has no one reading doctor's output, and a missing udev rule, no
 * automounter or no notification server would make it fail in silence. FAIL lines (the next crash is not captured)
 * are logged as errors, WARN lines as warnings; a machine with nothing to say logs one info line. The user unit check
 * is left out: this watch is the watcher it asks about (under systemd its unit is "activating" while it starts).
 *
 * <p>The checks run on a thread of their own, so the watch starts scanning at once: the session-bus checks wait up
 * to their timeouts when the bus does not answer.
 */
public final class WatchStartupChecks {
    /** Checks whose question this very watch answers. */
    static final Set<String> SKIPPED = Set.of("user_unit");

    private WatchStartupChecks() {
    }

    /** The lines to log: one per FAIL or WARN finding, with its fix. */
    static List<Line> lines(DesktopDoctor.Report r) {
        List<Line> out = new ArrayList<>();
        for (Finding f : r.findings()) {
            if (f.status() == Finding.Status.OK || SKIPPED.contains(f.check())) {
                continue;
            }
            boolean blocking = f.status() == Finding.Status.BLOCKING;
            out.add(new Line(blocking, String.format("doctor: %s %s: %s%s", blocking ? "FAIL" : "WARN", f.label(), f.message(),
                    f.fix().map(x -> "; fix: " + x).orElse(""))));
        }
        return out;
    }

    /** One log line: {@code blocking} lines are errors. */
    record Line(boolean blocking, String text) {
    }

    /** Runs the checks of {@code doctor} on {@code machine} now, logs what they found, and returns how long they took (ms). */
    public static long runAndLog(DesktopDoctor doctor, Supplier<Machine> machine, Journal log) {
        long t0 = System.nanoTime();
        DesktopDoctor.Report r;
        try (Machine m = machine.get()) {
            r = doctor.run(m);
        } catch (RuntimeException e) {
            log.warn("doctor: the desktop checks failed (" + e + "); run zmk-agent doctor");
            return (System.nanoTime() - t0) / 1_000_000;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        List<Line> lines = lines(r);
        for (Line l : lines) {
            if (l.blocking()) {
                log.error(l.text());
            } else {
                log.warn(l.text());
            }
        }
        if (lines.isEmpty()) {
            log.info("doctor: everything a capture needs is in place (" + ms + " ms)");
        } else {
            log.debug("doctor: desktop checks took " + ms + " ms");
        }
        return ms;
    }

    /**
     * The checks for this machine ({@link DesktopDoctor#forPlatform}) against the local machine with the data folder
     * {@code dataDir}, as seen by a watch started with {@code media} (its --media options), on a daemon thread: the
     * watch does not wait for them.
     */
    public static Thread inBackground(Path dataDir, List<Path> media, Journal log) {
        return inBackground(DesktopDoctor.forPlatform(System.getProperty("os.name", "")), () -> Machine.local(dataDir).watching(media), log);
    }

    /** {@code doctor}'s checks on {@code machine}, logged from a daemon thread of their own. */
    static Thread inBackground(DesktopDoctor doctor, Supplier<Machine> machine, Journal log) {
        Thread t = new Thread(() -> runAndLog(doctor, machine, log), "zmk-agent-doctor");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
