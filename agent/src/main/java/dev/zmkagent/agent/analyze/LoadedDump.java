package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.report.CrashReport;
import java.util.List;
import java.util.Optional;

/**
 * A dump ready for analysis or serving: the recognised input, the stored partition (when there was one), the
 * parsed stream, the ELF, and target memory with the dump's blocks first, then flash, then the ELF.
 */
public record LoadedDump(
        DumpInput input,
        Optional<StoredDump> stored,
        Optional<ZephyrDump> dump,
        CrashReport.Partition partition,
        List<String> diagnosis,
        Optional<ElfFile> elf,
        Optional<String> elfPath,
        RegionMemory memory) {
}
