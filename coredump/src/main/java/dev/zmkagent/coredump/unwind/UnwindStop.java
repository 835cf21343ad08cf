package dev.zmkagent.coredump.unwind;

/** Thrown inside one unwind step when the next frame cannot be computed; carries the explanation. */
final class UnwindStop extends Exception {
    private final StopReason reason;
    private final boolean noScan;

    UnwindStop(StopReason.Kind kind, String sentence) {
        this(kind, sentence, false);
    }

    /** @param noScan the stack above this frame's sp is no place to scan for return addresses (see {@link #noScan}) */
    UnwindStop(StopReason.Kind kind, String sentence, boolean noScan) {
        super(sentence, null, false, false);
        this.reason = new StopReason(kind, sentence);
        this.noScan = noScan;
    }

    /**
     * The heuristic stack scan must not follow this stop: the frame allocated stack of a size only known at run time
     * (alloca, a variable-length array), so what lies above its sp is uninitialised stack full of stale return addresses.
     */
    boolean noScan() {
        return noScan;
    }

    StopReason reason() {
        return reason;
    }
}
