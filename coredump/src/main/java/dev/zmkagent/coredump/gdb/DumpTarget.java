package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.memory.Memory;
import java.util.List;

/** A coredump served to gdb: its threads, its memory and the signal for its fault reason. */
public record DumpTarget(ThreadSource threadSource, Memory memory, int stopSignal) implements GdbTarget {
    @Override
    public List<GdbThread> threads() {
        return threadSource.threads();
    }

    @Override
    public boolean systemRegisters() {
        return true;
    }
}
