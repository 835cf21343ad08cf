package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.memory.AddressRange;
import java.util.Optional;
import java.util.OptionalLong;
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
 * @param raisedBySvc           the starting registers are the context an {@code svc} instruction left (Zephyr's
 *                              k_oops/k_panic/__ASSERT): its pc is the instruction after the svc, so the first frame
 *                              is looked up and unwound at pc-2 when the halfword there is an SVC (see
 *                              {@link #svcRaisedReason})
 * @param threadEntry           the entry function of the thread whose context is unwound (from its thread object), the
 *                              target of z_thread_entry's call through a pointer: where the DWARF call site there names
 *                              no callee, tail-call frames between it and the callee are searched from this function
 */
public record UnwindOptions(int maxFrames, boolean heuristicScan, int scanWords, int maxGuesses, boolean dumpTruncated,
                            Set<String> outermostFunctions, String leadingException,
                            Optional<AddressRange> interruptedThreadStack, boolean raisedBySvc, OptionalLong threadEntry) {
    public static final Set<String> DEFAULT_OUTERMOST = Set.of("main", "z_thread_entry");

    public static UnwindOptions defaults() {
        return new UnwindOptions(64, true, 1024, 8, false, DEFAULT_OUTERMOST, null, Optional.empty(), false, OptionalLong.empty());
    }

    public UnwindOptions withMaxFrames(int n) {
        return new UnwindOptions(n, heuristicScan, scanWords, maxGuesses, dumpTruncated, outermostFunctions, leadingException, interruptedThreadStack, raisedBySvc, threadEntry);
    }

    public UnwindOptions withHeuristicScan(boolean on) {
        return new UnwindOptions(maxFrames, on, scanWords, maxGuesses, dumpTruncated, outermostFunctions, leadingException, interruptedThreadStack, raisedBySvc, threadEntry);
    }

    public UnwindOptions withDumpTruncated(boolean truncated) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, truncated, outermostFunctions, leadingException, interruptedThreadStack, raisedBySvc, threadEntry);
    }

    public UnwindOptions withOutermostFunctions(Set<String> names) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, dumpTruncated, Set.copyOf(names), leadingException, interruptedThreadStack, raisedBySvc, threadEntry);
    }

    public UnwindOptions withLeadingException(String label) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, dumpTruncated, outermostFunctions, label, interruptedThreadStack, raisedBySvc, threadEntry);
    }

    public UnwindOptions withInterruptedThreadStack(AddressRange range) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, dumpTruncated, outermostFunctions, leadingException, Optional.ofNullable(range), raisedBySvc, threadEntry);
    }

    public UnwindOptions withRaisedBySvc(boolean svc) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, dumpTruncated, outermostFunctions, leadingException, interruptedThreadStack, svc, threadEntry);
    }

    public UnwindOptions withThreadEntry(OptionalLong entry) {
        return new UnwindOptions(maxFrames, heuristicScan, scanWords, maxGuesses, dumpTruncated, outermostFunctions, leadingException, interruptedThreadStack, raisedBySvc, entry);
    }

    /**
     * Whether a Zephyr fatal error with this reason was raised by an {@code svc} instruction on Cortex-M, so that the
     * dump's stacked pc is the instruction after it. True for K_ERR_KERNEL_OOPS (3) and K_ERR_KERNEL_PANIC (4): on
     * Cortex-M they come only from {@code ARCH_EXCEPT} ({@code svc #2}, taken by z_arm_svc → z_do_kernel_oops, which
     * reads the reason from the stacked r0) or from a system call's {@code svc #3} frame (arch_syscall_oops). Also
     * K_ERR_STACK_CHK_FAIL (2): a stack-canary failure (__stack_chk_fail) is raised with the same svc. The MPU stack
     * guard reports 2 from a MemManage fault too, where pc is the faulting instruction itself; the unwinder applies the
     * rule only when the halfword before pc really is an svc, which tells the two apart. The dump records no EXC_RETURN
     * or IPSR of the handler, so the reason and the instruction are the only witnesses.
     */
    public static boolean svcRaisedReason(long reason) {
        return reason == 2 || reason == 3 || reason == 4;
    }
}
