package dev.zmkagent.coredump.unwind;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of the bits of Zephyr's {@code k_thread.base.thread_state}, from {@code _THREAD_*} in
 * {@code include/zephyr/kernel_structs.h} (Zephyr 3.5 as in ZMK ≤ v0.3, and 4.1 as in ZMK main):
 * <pre>
 *   0x01 _THREAD_DUMMY       not a real thread
 *   0x02 _THREAD_PENDING     waiting on an object
 *   0x04 _THREAD_PRESTART    not started yet (3.5); removed by zephyr PR #81885 ("kernel/sched: Eliminate PRESTART
 *                            thread state", 2024-11), later reused as _THREAD_SLEEPING (zephyr PR #81684)
 *   0x08 _THREAD_DEAD        terminated
 *   0x10 _THREAD_SUSPENDED   suspended (since #81885 also a created thread that was not started)
 *   0x20 _THREAD_ABORTING    being aborted
 *   0x40 _THREAD_SUSPENDING  being suspended
 *   0x80 _THREAD_QUEUED      in the ready queue (on a single CPU the running thread keeps this bit)
 * </pre>
 * A state of 0 has no flag: runnable but not queued. The byte is all there is; no other bits exist.
 */
public final class ThreadState {
    /** _THREAD_DUMMY: the placeholder the kernel switches away from at boot, not a thread. */
    public static final long DUMMY = 0x01;
    private static final String[] NAMES = {"dummy", "pending", "prestart/sleeping", "dead", "suspended", "aborting",
        "suspending", "queued"};

    private ThreadState() {
    }

    /** The names of the bits set in {@code state} (its low byte), lowest bit first; empty for 0. */
    public static List<String> names(long state) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 8; bit++) {
            if ((state & (1L << bit)) != 0) {
                out.add(NAMES[bit]);
            }
        }
        if ((state & ~0xFFL) != 0) {
            out.add(String.format("0x%x", state & ~0xFFL));
        }
        return out;
    }

    /** "pending (0x02)", "pending, suspended (0x12)", "no flags (0x00)". */
    public static String text(long state) {
        List<String> n = names(state);
        return (n.isEmpty() ? "no flags" : String.join(", ", n)) + String.format(" (0x%02x)", state);
    }
}
