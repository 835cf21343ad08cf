package dev.zmkagent.device.flash;

/** Progress of a long write, in blocks or bytes. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void advance(long done) {
        }

        @Override
        public void finish() {
        }
    };

    void start(String task, long total);

    /** {@code done} is the running total. */
    void advance(long done);

    void finish();
}
