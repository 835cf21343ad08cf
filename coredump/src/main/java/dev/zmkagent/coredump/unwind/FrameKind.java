package dev.zmkagent.coredump.unwind;

/** How a frame was found, so a report can say how far to trust it. */
public enum FrameKind {
    /** Unwound by call-frame information or prologue analysis from the frame below it. */
    NORMAL,
    /** An exception boundary (hardware-stacked frame), shown as its own frame like gdb's "&lt;signal handler called&gt;". */
    EXCEPTION,
    /** A function the compiler inlined into the frame that follows it; shares that frame's pc and registers. */
    INLINED,
    /** Found beyond what gdb shows, by locating the interrupted thread's stacked frame; reliable but reconstructed. */
    RECOVERED,
    /** A return address found by scanning the stack after real unwinding stopped; may be stale. */
    GUESS
}
