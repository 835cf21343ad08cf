package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.gdb.GdbClient;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With gdb-multiarch installed (CI installs it), asks gdb afresh about every address of every test ELF: gdb must
 * still say what truth/ recorded (so the recorded files stay honest), and DebugInfo must say the same.
 */
class GdbLiveTest {
    @BeforeAll
    static void needsGdb() {
        assumeTrue(GdbClient.available(), "gdb-multiarch is not installed");
    }

    static List<String> elves() {
        return GdbTruth.elfNames();
    }

    @ParameterizedTest
    @MethodSource("elves")
    void liveGdbAgreesWithRecordedTruthAndWithUs(String name) throws Exception {
        List<String> live = GdbLive.truth(GdbTruth.elfPath(name), null);
        assertEquals(String.join("\n", GdbTruth.truth(name)), String.join("\n", live), "gdb now answers differently for " + name);
        ElfFile elf = GdbTruth.elf(name);
        List<String> diffs = GdbTruth.differences(live, DebugInfo.of(elf), new ElfSymbolizer(elf));
        assertEquals("", String.join("\n", diffs.subList(0, Math.min(40, diffs.size()))), diffs.size() + " addresses differ in " + name);
    }
}
