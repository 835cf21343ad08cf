package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.symbols.SourceFrame;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DWARF of code that --gc-sections discarded (the crash lab's xiao-timer-nullptr-gc build: GNU ld leaves its
 * DW_AT_low_pc, aranges and line sequences at 0) never symbolizes an address: a call through a NULL pointer lands
 * at 0, and naming a discarded function there invents a frame.
 */
class DiscardedCodeTest {
    private static ElfFile elf(String scenario) throws Exception {
        return ElfFile.parse(ByteView.of(Files.readAllBytes(CrashLab.root().resolve(scenario).resolve("app.elf"))));
    }

    @Test
    void addressZeroInADiscardedUnitMapsToNothing() throws Exception {
        ElfFile e = elf("xiao-timer-nullptr-gc");
        // The property is real: taken as code (gdb's rule when any allocated section sits at 0), address 0 names
        // the discarded functions, inlined helpers and a source line.
        DebugInfo loose = DebugInfo.of(new DwarfSections(e, true), e);
        List<SourceFrame> invented = loose.frames(0);
        assertTrue(invented.stream().anyMatch(f -> f.function().contains("unused") || f.function().contains("discarded")),
                "the fixture has no DWARF of discarded code at 0: " + invented);
        assertTrue(loose.function(0).isPresent());

        // Our rule: no function symbol covers 0 in this ELF, so nothing at 0 counts.
        assertFalse(e.symbols().all().stream().anyMatch(s -> s.isFunction() && s.size() > 0 && s.contains(0)));
        DebugInfo d = DebugInfo.of(e);
        assertEquals(List.of(new SourceFrame("??", null, null, 0, false)), d.frames(0));
        assertTrue(d.function(0).isEmpty());
        assertTrue(d.functionEntry(0).isEmpty());
        // and an address inside a discarded function's length (high_pc is a length from 0) maps to nothing too
        SourceFrame inside = d.frames(8).get(0);
        assertEquals("??", inside.function());
        assertNull(inside.file());
    }

    @Test
    void realFunctionsOfTheSameUnitStillResolve() throws Exception {
        ElfFile e = elf("xiao-timer-nullptr-gc");
        long addr = e.symbols().byName("hold_tap_timer_expired").orElseThrow().address();
        SourceFrame f = DebugInfo.of(e).frames(addr).get(0);
        assertEquals("hold_tap_timer_expired", f.function());
        assertTrue(f.file().endsWith("issue10.c"), f.file());
    }

    /**
     * Flash at 0 (dwarf/flash0/flash0.elf, built by build.sh there): the vector table is at 0 in the executable .text,
     * so gdb's rule (an allocated section at 0) takes the discarded function's DWARF for code. Address 0 is the
     * vector table, a data symbol: no function may be named there, and the discarded function's range [0, length),
     * which overlaps real code, may name none of it either.
     */
    @Test
    void onABoardWithFlashAtZeroTheVectorTableIsNoFunction() throws Exception {
        ElfFile e = ElfFile.parse(ByteView.of(Files.readAllBytes(GdbTruth.DIR.resolve("flash0").resolve("flash0.elf"))));
        assertTrue(e.isCode(0), "the fixture's vector table is not in an executable section at 0");
        assertTrue(e.symbols().byName("_vector_table").orElseThrow().isObject());
        long timer = e.symbols().byName("timer_expired").orElseThrow().address();
        long start = e.symbols().byName("_start").orElseThrow().address();

        // the property is real: with gdb's rule, 0 and the start of timer_expired are named after the discarded function
        DebugInfo loose = DebugInfo.of(new DwarfSections(e, true), e);
        assertEquals("unused_on_hold", loose.function(0).orElseThrow().name());
        assertTrue(loose.function(0).orElseThrow().highPc() > timer, "the discarded range does not overlap timer_expired");

        DebugInfo d = DebugInfo.of(e);
        assertEquals(List.of(new SourceFrame("??", null, null, 0, false)), d.frames(0));
        assertTrue(d.function(0).isEmpty());
        assertTrue(d.functionEntry(0).isEmpty());
        assertEquals(List.of(new SourceFrame("??", null, null, 0, false)), new ElfSymbolizer(e).frames(0));
        for (long pc = timer; pc < start; pc += 2) {
            List<SourceFrame> fs = d.frames(pc);
            assertEquals("timer_expired", fs.get(fs.size() - 1).function(), String.format("pc 0x%x: %s", pc, fs));
            assertTrue(fs.stream().noneMatch(f -> f.function().equals("unused_on_hold") || f.function().equals("mix")), fs.toString());
            assertTrue(fs.get(0).file().endsWith("flash0.c"));
        }
        // nor does call-frame information of the discarded function (an FDE at 0 over the vector table and timer_expired)
        dev.zmkagent.coredump.unwind.cfi.FdeIndex fdes = dev.zmkagent.coredump.unwind.cfi.FdeIndex.build(e);
        assertTrue(fdes.find(0).isEmpty());
        assertEquals(timer, fdes.find(timer + 2).orElseThrow().start());
    }
}
