package dev.zmkagent.device.flash;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on the terminal (stderr); {@link #forConsole} gives none when output is not a terminal. */
public final class TerminalProgress implements ProgressListener {
    private final PrintStream out;
    private ProgressBar bar;

    private TerminalProgress(PrintStream out) {
        this.out = out;
    }

    public static ProgressListener forConsole() {
        return System.console() != null ? new TerminalProgress(System.err) : ProgressListener.NONE;
    }

    @Override
    public void start(String task, long total) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(100).build();
    }

    @Override
    public void advance(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
