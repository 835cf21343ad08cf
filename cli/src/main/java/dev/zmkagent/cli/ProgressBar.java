package dev.zmkagent.cli;

import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.device.flash.ProgressListener;
import dev.zmkagent.device.flash.TerminalProgress;

/**
 * The copy of CURRENT.UF2 shown with the same terminal progress bar flashing uses (device's {@link TerminalProgress});
 * nothing is drawn when stderr is not a terminal.
 */
final class ProgressBar implements CaptureListener {
    private final ProgressListener bar;
    private final String label;
    private boolean started;

    private ProgressBar(ProgressListener bar, String label) {
        this.bar = bar;
        this.label = label;
    }

    static CaptureListener forTerminal(String label) {
        ProgressListener bar = TerminalProgress.forConsole();
        return bar == ProgressListener.NONE ? CaptureListener.NONE : new ProgressBar(bar, label);
    }

    @Override
    public void copyProgress(long done, long total) {
        if (!started) {
            bar.start(label, total);
            started = true;
        }
        bar.advance(done);
        if (done >= total) {
            bar.finish();
        }
    }
}
