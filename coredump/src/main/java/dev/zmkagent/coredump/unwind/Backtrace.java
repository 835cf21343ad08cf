package dev.zmkagent.coredump.unwind;

import java.util.List;

/**
 * The frames of one context, innermost first, and why the list ends. {@code establishedAtStart}: registers of the
 * starting context that were not given but that the unwind proved on the way (a frame pointer that the call-frame
 * information of some frame determines, in a register no frame in between saved or changed), for a debugger that
 * unwinds by itself from the starting registers. {@code notes}: what the unwind found but did not show as frames, in
 * a sentence each, for the report (tail calls it could not place for sure).
 */
public record Backtrace(List<Frame> frames, StopReason stopReason, RegisterSet establishedAtStart, List<String> notes) {
    public Backtrace {
        frames = List.copyOf(frames);
        notes = List.copyOf(notes);
    }

    public Backtrace(List<Frame> frames, StopReason stopReason, RegisterSet establishedAtStart) {
        this(frames, stopReason, establishedAtStart, List.of());
    }

    public Backtrace(List<Frame> frames, StopReason stopReason) {
        this(frames, stopReason, RegisterSet.empty());
    }

    /** Frames that are not guesses (what gdb would show, plus recovered frames). */
    public List<Frame> reliableFrames() {
        return frames.stream().filter(f -> f.kind() != FrameKind.GUESS).toList();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < frames.size(); i++) {
            sb.append('#').append(i).append(' ').append(frames.get(i)).append('\n');
        }
        return sb.append("stop: ").append(stopReason).toString();
    }
}
