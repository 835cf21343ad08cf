package dev.zmkagent.coredump.unwind;

import java.util.List;

/** The frames of one context, innermost first, and why the list ends. */
public record Backtrace(List<Frame> frames, StopReason stopReason) {
    public Backtrace {
        frames = List.copyOf(frames);
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
