package dev.zmkagent.agent.watch;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * One line per event on stderr. Under systemd (JOURNAL_STREAM is set) every line starts with a syslog priority
 * prefix such as {@code <6>} so journald files it at the right level; elsewhere lines start with the time.
 */
public final class Journal {
    public enum Level {
        ERROR(3), WARNING(4), NOTICE(5), INFO(6), DEBUG(7);

        final int priority;

        Level(int priority) {
            this.priority = priority;
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final PrintStream out;
    private final boolean prefixes;
    private final boolean debug;

    public Journal(PrintStream out, boolean prefixes, boolean debug) {
        this.out = out;
        this.prefixes = prefixes;
        this.debug = debug;
    }

    /** Prefixes when stderr goes to the journal (systemd sets JOURNAL_STREAM for services). */
    public static Journal forStderr(boolean debug) {
        return new Journal(System.err, System.getenv("JOURNAL_STREAM") != null, debug);
    }

    public void log(Level level, String message) {
        if (level == Level.DEBUG && !debug) {
            return;
        }
        String line = message.replace('\n', ' ').replace('\r', ' ');
        synchronized (out) {
            if (prefixes) {
                out.println("<" + level.priority + ">" + line);
            } else {
                out.println(LocalTime.now().format(TIME) + " " + (level.priority <= 4 ? level.name().toLowerCase() + ": " : "") + line);
            }
            out.flush();
        }
    }

    public void info(String message) {
        log(Level.INFO, message);
    }

    public void notice(String message) {
        log(Level.NOTICE, message);
    }

    public void warn(String message) {
        log(Level.WARNING, message);
    }

    public void error(String message) {
        log(Level.ERROR, message);
    }

    public void debug(String message) {
        log(Level.DEBUG, message);
    }
}
