package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.unwind.RegisterSet;
import dev.zmkagent.coredump.memory.Memory;
import java.util.List;

/**
 * A coredump served to gdb: its threads, its memory and the signal for its fault reason.
 *
 * <p>{@code systemRegisters}: whether msp/psp are described (feature org.gnu.gdb.arm.m-system). gdb 13 accepts the
 * feature and needs psp to cross from a fault in a handler into the interrupted thread. But once the feature is there,
 * gdb 13 also wants msp while unwinding ordinary thread frames: with msp unavailable it prints "Register 91 is not
 * available" for z_thread_entry's entry values, loses the final "0x00000000 in ?? ()" frame and stops after frames
 * without call-frame information (arch_cpu_idle). A fault in thread mode does not record msp and gdb needs neither,
 * so the feature is offered only for a fault in handler mode, where msp is the handler's sp (and the same for every
 * thread: one main stack per core) and psp is found on the interrupted thread's stack.
 */
public record DumpTarget(ThreadSource threadSource, Memory memory, int stopSignal, boolean systemRegisters) implements GdbTarget {
    @Override
    public List<GdbThread> threads() {
        return threadSource.threads();
    }

    /**
     * msp/psp are described exactly when the faulting context was a handler (xPSR's IPSR field not 0) and psp is
     * known. With the feature but psp unavailable, gdb 13 stops the whole backtrace with "Register 92 is not
     * available" and shows not even the handler's frames; without it, it shows them (as over Zephyr's own gdbserver).
     */
    public static DumpTarget of(ThreadSource threads, Memory memory, int stopSignal) {
        RegisterSet first = threads.threads().get(0).registers();
        boolean handler = first.has(RegisterSet.XPSR) && (first.value(RegisterSet.XPSR) & 0x1FF) != 0;
        return new DumpTarget(threads, memory, stopSignal, handler && first.has(RegisterSet.PSP));
    }
}
