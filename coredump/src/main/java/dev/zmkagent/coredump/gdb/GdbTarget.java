package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.memory.Memory;
import java.util.List;

/** What the RSP server serves: a stopped target made of a coredump's threads and memory. Read-only. */
public interface GdbTarget {
    /** Never empty; the first thread is the one that was running when the fault happened. */
    List<GdbThread> threads();

    /** Dump blocks first, then the flash image, then the ELF's read-only sections. */
    Memory memory();

    /** The gdb signal number the stop reply reports (see {@link StopSignal}). */
    int stopSignal();

    /** Whether the target description offers msp and psp (feature org.gnu.gdb.arm.m-system). */
    boolean systemRegisters();
}
