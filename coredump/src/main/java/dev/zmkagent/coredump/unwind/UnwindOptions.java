package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.memory.AddressRange;
import java.util.Optional;
import java.util.Set;

/**
 * Knobs for one unwind. Start from {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * @param maxFrames             stop after this many frames
 * @param heuristicScan         after an early stop, scan the stack for return addresses (frames marked GUESS)
 * @param scanWords             how many stack words the scan looks at
 * @param maxGuesses            how many GUESS frames at most
 * @param dumpTruncated         the caller knows the dump was truncated; stop reasons say so
 * @param outermostFunctions    functions where a backtrace ends, as gdb ends at main (thread entries)
 * @param leadingException      when non-null, a leading EXCEPTION frame with this label is shown first: the dump's
 *                              registers are the interrupted context, so frame 0 is the faulting instruction
 * @param interruptedThreadStack when an exception from Thread mode on the process stack is crossed and psp is not
 *                              known, search this range (the interrupted thread's stack) for its stacked frame
 */
public record UnwindOptions(int maxFrames, boolean heuristicScan, int scanWords, int maxGuesses, boolean dumpTruncated,
                            Set<String> outermostFunctions, String leadingException,
                            Optional<AddressRange> interruptedThreadStack) {
    public static final Set<String> DEFAULT_OUTERMOST = Set.of("main", "z_thread_entry");

    public static UnwindOptions defaults() {
        return new UnwindOptions(64, true, 1024, 8, false, DEFAULT_OUTERMOST, null, Optional.empty());
    }

    public UnwindOptions withMaxFrames(int n) {
        return new UnwindOptions(n, heuristicScan, scanWords, maxGuesses, dumpTruncated, outermostFunctions, leadingException, interruptedThreadStack);
    }

    public UnwindOptions withHeuristicScan(boolean on) {
        return new UnwindOptions(maxFrames, on, scanWords, maxGuesses, dumpTruncated, outermostFunctions, leadingException, interruptedThreadStack);
    }

    public UnwindOptions withDumpTruncated(boolean truncated) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, truncated, outermostFunctions, leadingException, interruptedThreadStack);
    }

    public UnwindOptions withOutermostFunctions(Set<String> names) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, dumpTruncated, Set.copyOf(names), leadingException, interruptedThreadStack);
    }

    public UnwindOptions withLeadingException(String label) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, dumpTruncated, outermostFunctions, label, interruptedThreadStack);
    }

    public UnwindOptions withInterruptedThreadStack(AddressRange range) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, dumpTruncated, outermostFunctions, leadingException, Optional.ofNullable(range));
    }
}
