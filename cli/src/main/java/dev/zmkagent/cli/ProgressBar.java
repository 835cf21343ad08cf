package dev.zmkagent.cli;

import dev.zmkagent.agent.capture.CaptureListener;
import java.io.PrintStream;

/** A one-line progress bar for the copy of CURRENT.UF2, drawn only on a terminal. */
final class ProgressBar implements CaptureListener {
    private final PrintStream out;
    private final String label;
    private int lastPercent = -1;

    ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    static CaptureListener forTerminal(String label) {
        return System.console() == null ? CaptureListener.NONE : new ProgressBar(System.err, label);
    }

    @Override
    public void copyProgress(long done, long total) {
        int percent = total == 0 ? 100 : (int) (done * 100 / total);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        out.print("\r" + render(label, done, total));
        if (done >= total) {
            out.println();
        }
        out.flush();
    }

    static String render(String label, long done, long total) {
        int width = 30;
        int filled = total == 0 ? width : (int) (done * width / total);
        return String.format("%s [%s%s] %3d%% %d/%d KiB", label, "#".repeat(filled), ".".repeat(width - filled),
                total == 0 ? 100 : done * 100 / total, done >> 10, total >> 10);
    }
}
