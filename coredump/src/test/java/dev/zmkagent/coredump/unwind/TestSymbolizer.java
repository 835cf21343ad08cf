package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.util.List;

/** Test-only symbolizer: function from the ELF symbol table, file:line from .debug_line; no inlined frames. */
final class TestSymbolizer implements Symbolizer {
    private final ElfFile elf;
    private final TestLineTable lines;

    TestSymbolizer(ElfFile elf) {
        this.elf = elf;
        this.lines = new TestLineTable(elf);
    }

    @Override
    public List<SourceFrame> frames(long pc) {
        var sym = elf.symbols().functionAt(pc);
        if (sym.isEmpty()) {
            return List.of();
        }
        TestLineTable.Row row = lines.find(pc);
        return List.of(new SourceFrame(sym.get().name(), row == null ? null : row.file(), null, row == null ? 0 : row.line(), false));
    }
}
