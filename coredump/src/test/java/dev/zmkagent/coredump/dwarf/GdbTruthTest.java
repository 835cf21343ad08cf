package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.elf.ElfFile;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every halfword address of every test ELF (-O0/-Og/-O2/-Os, DWARF 4 and 5, version 3 and 5 line tables, relative and
 * absolute paths, a mixed-version link) symbolizes exactly as gdb-multiarch 13 answered when truth/ was recorded.
 */
class GdbTruthTest {
    static List<String> elves() {
        return GdbTruth.elfNames();
    }

    @ParameterizedTest
    @MethodSource("elves")
    void everyAddressMatchesGdbsRecordedAnswer(String name) {
        ElfFile elf = GdbTruth.elf(name);
        List<String> truth = GdbTruth.truth(name);
        assertTrue(truth.size() > 100, "truth file too small: " + truth.size());
        List<String> diffs = GdbTruth.differences(truth, DebugInfo.of(elf), new ElfSymbolizer(elf));
        assertEquals("", String.join("\n", diffs.subList(0, Math.min(40, diffs.size()))),
                diffs.size() + " of " + truth.size() + " addresses differ from gdb in " + name);
    }
}
