package dev.zmkagent.coredump.unwind;

/** Why a backtrace ends, as a category for code and one sentence for people. */
public record StopReason(Kind kind, String sentence) {
    public enum Kind {
        /** The outermost frame was reached: a thread entry function, main, or a return address of 0. */
        OUTERMOST,
        /** Memory the next frame needs is not in the dump. */
        MEMORY_NOT_DUMPED,
        /** The frame chain is inconsistent: a cycle, sp moving down, a pc outside code. */
        CORRUPT_FRAME,
        /** No call-frame information and prologue analysis could not explain the function. */
        NO_UNWIND_INFO,
        /** The unwind information says the function cannot be unwound (EXIDX_CANTUNWIND) or uses what we refuse. */
        UNSUPPORTED,
        /** A register the next frame needs (sp, psp, the frame pointer r7 of a function that moved sp at run time) is not known. */
        REGISTER_UNKNOWN,
        /** The configured frame limit was hit. */
        FRAME_LIMIT
    }

    public boolean isClean() {
        return kind == Kind.OUTERMOST;
    }

    @Override
    public String toString() {
        return kind + ": " + sentence;
    }
}
