package dev.zmkagent.agent.gdbserver;

import dev.zmkagent.agent.analyze.LoadedDump;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.cortexm.FaultReason;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.gdb.DumpTarget;
import dev.zmkagent.coredump.gdb.GdbTarget;
import dev.zmkagent.coredump.gdb.StopSignal;
import dev.zmkagent.coredump.gdb.ThreadSource;
import dev.zmkagent.coredump.memory.RegionMemory;

/** A loaded dump turned into what gdb is served, plus a one-line summary for the user. */
public record ServedDump(GdbTarget target, String summary) {
    public static ServedDump of(LoadedDump loaded) {
        if (loaded.dump().isEmpty()) {
            String why = loaded.diagnosis().isEmpty() ? loaded.partition().how() : loaded.diagnosis().get(0);
            throw new FormatException(loaded.input().path() + ": nothing to serve: " + why);
        }
        ZephyrDump dump = loaded.dump().get();
        if (dump.targetCode() != ZephyrDump.TARGET_ARM_CORTEX_M) {
            throw new FormatException(loaded.input().path() + ": the dump is for target code " + dump.targetCode()
                    + ", not ARM Cortex-M (3); gdbserver serves Cortex-M dumps only");
        }
        RegionMemory memory = loaded.memory();
        ThreadSource threads = ZephyrThreads.of(dump, loaded.elf(), memory);
        GdbTarget target = DumpTarget.of(threads, memory, StopSignal.forReason(dump.reason()));
        long dumped = dump.memory().stream().mapToLong(m -> m.data().length()).sum();
        String summary = String.format("%s (%s), %d thread%s, %d dumped bytes in %d block%s", FaultReason.name(dump.reason()),
                loaded.input().description(), target.threads().size(), target.threads().size() == 1 ? "" : "s", dumped,
                dump.memory().size(), dump.memory().size() == 1 ? "" : "s");
        return new ServedDump(target, summary);
    }
}
