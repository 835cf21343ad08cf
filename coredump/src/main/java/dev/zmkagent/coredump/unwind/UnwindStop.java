package dev.zmkagent.coredump.unwind;

/** Thrown inside one unwind step when the next frame cannot be computed; carries the explanation. */
final class UnwindStop extends Exception {
    private final StopReason reason;

    UnwindStop(StopReason.Kind kind, String sentence) {
        super(sentence, null, false, false);
        this.reason = new StopReason(kind, sentence);
    }

    StopReason reason() {
        return reason;
    }
}
