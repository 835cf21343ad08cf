package dev.zmkagent.agent.gdbserver;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * gdb's one documented mistake in the crash lab: on a build with an allocated section at 0 (flash at 0, the vector
 * table there) gdb takes the DWARF GNU ld left at 0 for discarded functions as code and names one of them for a
 * frame at pc 0. The live truth records that frame as pc 0 without a function, with what gdb said under
 * {@code gdb_named} (crashlab/gdb_truth.py). Only in such a scenario, and only for a function the ELF has no symbol
 * for (the linker discarded it), is gdb's name there the same frame as our "0x00000000 ??".
 */
final class GdbZeroMistake {
    private final ElfFile elf;

    private GdbZeroMistake(ElfFile elf) {
        this.elf = elf;
    }

    /** For a scenario whose truth has gdb's pc-0 mistake; empty for every other scenario. */
    @SuppressWarnings("unchecked")
    static Optional<GdbZeroMistake> of(CrashLab.Scenario s) {
        List<Map<String, Object>> frames = (List<Map<String, Object>>) s.truth().get("frames");
        boolean named = frames != null && frames.stream().anyMatch(f -> f.containsKey("gdb_named"));
        return named ? Optional.of(new GdbZeroMistake(ElfFile.parse(ByteView.of(s.appElf())))) : Optional.empty();
    }

    /** Whether gdb's function name belongs to discarded code: DWARF names it, the symbol table does not. */
    boolean discarded(String function) {
        return !"??".equals(function) && elf.symbols().byName(function).isEmpty();
    }

    /**
     * A frame list as GdbServerCrashLabTest prints it ("[pc ]function file:line"), with gdb's name for the pc-0
     * frame (printed without a pc: it is the first address of the discarded function's line) put back as pc 0.
     */
    List<String> normalized(List<String> frames) {
        return frames.stream().map(f -> {
            String[] parts = f.split(" ");
            return parts.length == 2 && discarded(parts[0]) ? "0x00000000 ??" : f;
        }).toList();
    }
}
