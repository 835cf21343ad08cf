package dev.zmkagent.coredump.unwind;

/**
 * How a frame was found, so a report can say how far to trust it. A function the compiler inlined into the frame that
 * follows it ({@link Frame#inlined}) shares that machine frame's pc and registers, and its kind: an inlined function
 * in a guessed frame is a guess too.
 */
public enum FrameKind {
    /** Unwound by call-frame information or prologue analysis from the frame below it. */
    NORMAL,
    /** An exception boundary (hardware-stacked frame), shown as its own frame like gdb's "&lt;signal handler called&gt;". */
    EXCEPTION,
    /**
     * A function that was left by a tail call (a jump, so no return address of its own is on the stack), placed
     * between a callee and its caller from DWARF call-site information, like gdb's TAILCALL_FRAME. Its pc is the
     * call site's return pc; its file:line is the tail-call instruction's. Registers other than pc are not known.
     */
    TAILCALL,
    /**
     * A TAILCALL frame placed from the thread's entry function (its thread object): z_thread_entry called the entry
     * through a pointer, so its call site names no callee and gdb shows no tail-call frame there. Synthetic: a debugger
     * served the dump's registers does not show it.
     */
    TAILCALL_VIA_ENTRY,
    /** Found beyond what gdb shows, by locating the interrupted thread's stacked frame; reliable but reconstructed. */
    RECOVERED,
    /** A return address found by scanning the stack after real unwinding stopped; may be stale. */
    GUESS;

    /** Either kind of tail-call frame: no stack frame of its own, it sees its caller's registers. */
    public boolean isTailCall() {
        return this == TAILCALL || this == TAILCALL_VIA_ENTRY;
    }
}
