package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Symbolizes from the ELF symbol table alone (for an ELF built without {@code -g}): the function whose symbol
 * covers the address, no file or line. An address no function symbol covers gives one frame named {@code ??},
 * as gdb prints it.
 */
public final class ElfSymbolizer implements Symbolizer {
    public static final String UNKNOWN = "??";
    private final ElfFile elf;

    public ElfSymbolizer(ElfFile elf) {
        this.elf = elf;
    }

    /** The function symbol covering {@code pc}. */
    public Optional<ElfSymbol> symbol(long pc) {
        return elf.symbols().functionAt(pc);
    }

    /** Address of the function symbol named {@code name} (Thumb bit cleared), when the symbol table has one. */
    public OptionalLong functionAddress(String name) {
        return elf.symbols().byName(name).filter(ElfSymbol::isFunction)
                .map(s -> OptionalLong.of(s.address())).orElse(OptionalLong.empty());
    }

    @Override
    public OptionalLong functionEntry(long pc) {
        return symbol(pc).map(s -> OptionalLong.of(s.address())).orElse(OptionalLong.empty());
    }

    @Override
    public List<SourceFrame> frames(long pc) {
        String name = symbol(pc).map(ElfSymbol::name).filter(n -> !n.isEmpty()).orElse(UNKNOWN);
        return List.of(new SourceFrame(name, null, null, 0, false));
    }
}
