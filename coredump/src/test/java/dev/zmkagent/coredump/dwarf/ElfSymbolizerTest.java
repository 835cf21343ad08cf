package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An ELF stripped of DWARF still names functions, the way gdb's "info symbol" does. */
class ElfSymbolizerTest {
    @Test
    void strippedElfGetsTheSymbolTableFallbackWithGdbsNames() throws Exception {
        ElfFile elf = ElfFile.parse(ByteView.of(Files.readAllBytes(GdbTruth.DIR.resolve("nodebug/O2-nodebug.elf"))));
        Symbolizer s = DebugInfo.forElf(elf);
        assertInstanceOf(ElfSymbolizer.class, s);
        for (String line : GdbTruth.truth("O2-dwarf4")) {
            String[] cols = line.split("\t", -1);
            long pc = Long.parseLong(cols[0].substring(2), 16);
            String name = GdbTruth.minsymName(cols[2]);
            assertEquals(List.of(new SourceFrame(name.isEmpty() ? "??" : name, null, null, 0, false)), s.frames(pc), cols[0]);
        }
        assertEquals("??", s.frames(0x10).get(0).function());
    }

    @Test
    void elfWithDwarfGetsDebugInfo() {
        assertInstanceOf(DebugInfo.class, DebugInfo.forElf(GdbTruth.elf("O2-dwarf4")));
    }
}
