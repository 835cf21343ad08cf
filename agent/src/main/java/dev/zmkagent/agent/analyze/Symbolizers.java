package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.symbols.Symbolizer;

/** Chooses the best symbolizer an ELF allows: DWARF when present, else the ELF symbol table. */
final class Symbolizers {
    private Symbolizers() {
    }

    static Symbolizer forElf(ElfFile elf) {
        return DebugInfo.forElf(elf);
    }
}
