package dev.zmkagent.coredump.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.unwind.cfi.FdeIndex;

/**
 * A whole ELF as a user's --elf: the headers, sections, segments, symbols and ARM attributes, then everything the
 * analysis asks of it (DWARF lookups at every function symbol, the CFI index). Answers or {@link FormatException}s
 * only.
 */
class ElfFuzzTest {
    @FuzzTest
    void elf(byte[] data) {
        ElfFile elf;
        try {
            elf = ElfFile.parse(ByteView.of(data));
        } catch (FormatException e) {
            return;
        }
        elf.sections().forEach(s -> s.name());
        ArmAttributes.cpuArch(elf);
        FdeIndex fdes = FdeIndex.build(elf);
        DebugInfo dwarf = DebugInfo.of(elf);
        int n = 0;
        for (ElfSymbol s : elf.symbols().all()) {
            if (n++ > 64) {
                break;
            }
            long pc = s.address() & ~1L;
            fdes.find(pc);
            dwarf.frames(pc);
            try {
                dwarf.framesStrict(pc);
            } catch (FormatException e) {
                // refused with a reason: fine
            }
        }
    }
}
