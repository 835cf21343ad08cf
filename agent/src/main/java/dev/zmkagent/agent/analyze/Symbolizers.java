package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.util.List;

/** Chooses the best symbolizer an ELF allows. */
final class Symbolizers {
    private Symbolizers() {
    }

    static Symbolizer forElf(ElfFile elf) {
        return pc -> elf.symbols().functionAt(pc)
                .map(s -> List.of(new SourceFrame(s.name(), null, null, 0, false)))
                .orElse(List.of());
    }
}
