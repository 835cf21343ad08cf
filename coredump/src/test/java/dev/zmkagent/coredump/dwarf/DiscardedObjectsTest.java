package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Objects the linker discarded keep their DWARF: a Zephyr build (-fdata-sections, --gc-sections) describes every
 * unreferenced global with DW_OP_addr 0. None of them is an object of the running firmware, so no query names them.
 * The ELF is dwarf/gc/gc.elf, built from objects.c by build.sh there with Debian's arm-none-eabi-gcc.
 */
class DiscardedObjectsTest {
    private static ElfFile elf;

    @BeforeAll
    static void load() throws Exception {
        elf = ElfFile.parse(ByteView.of(Files.readAllBytes(GdbTruth.DIR.resolve("gc").resolve("gc.elf"))));
    }

    @Test
    void theBuildReallyKeepsDwarfForTheVariablesItDiscarded() {
        for (String gone : List.of("unused_thread", "unused_static")) {
            assertTrue(elf.symbols().byName(gone).isEmpty(), gone + " was linked in: the fixture no longer shows the property");
            ByteView strings = elf.section(".debug_str").orElseThrow().data();
            String text = new String(strings.toArray(), StandardCharsets.ISO_8859_1);
            assertTrue(text.contains(gone + "\0"), gone + " has no DWARF name left");
        }
    }

    @Test
    void threadObjectsAreOnlyTheOnesTheFirmwareHas() {
        Map<String, Long> found = DwarfObjects.of(elf).instancesOf("k_thread").stream()
                .collect(Collectors.toMap(DwarfObjects.Instance::expression, DwarfObjects.Instance::address));
        long one = elf.symbols().byName("kept_thread").orElseThrow().address();
        long two = elf.symbols().byName("kept_threads").orElseThrow().address();
        assertEquals(Map.of("kept_thread", one, "kept_threads[0]", two, "kept_threads[1]", two + 12), found);
    }

    @Test
    void typedVariablesLeaveTheDiscardedOnesOut() {
        List<String> names = DataTypes.of(elf).variablesOf("k_thread").stream().map(DataTypes.StructVariable::name).toList();
        assertEquals(List.of("kept_thread", "kept_threads"), names);
        List<String> all = StaticVariables.of(elf).all().stream().map(StaticVariables.Variable::name).toList();
        assertTrue(all.stream().noneMatch(n -> n.startsWith("unused_")), all.toString());
        assertTrue(StaticVariables.of(elf).problems().isEmpty());
    }
}
