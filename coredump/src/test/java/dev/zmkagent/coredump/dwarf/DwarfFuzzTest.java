package dev.zmkagent.coredump.dwarf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import java.util.function.BiFunction;

/**
 * Each DWARF section reader on its own: the fuzzer's bytes take the place of one section of a real crash-lab build
 * (DWARF 5, and DWARF 4 for .debug_ranges), the others stay real, so the reader meets valid neighbours and hostile
 * content. Every function symbol's pc is looked up strictly (a {@link FormatException} is fine) and leniently
 * (must answer).
 */
class DwarfFuzzTest {
    private static final Base DWARF5 = new Base("nice_nano-busfault");
    private static final Base DWARF4 = new Base("nice_nano-busfault-dwarf4");
    private static final Base VALUES = new Base("nice_nano-values");

    /** A real build's sections and the pcs of its functions. */
    private record Base(DwarfSections sections, long[] pcs) {
        Base(String scenario) {
            this(ElfFile.parse(ByteView.of(CrashLab.scenario(scenario).appElf())));
        }

        Base(ElfFile elf) {
            this(new DwarfSections(elf), elf.symbols().all().stream().filter(ElfSymbol::isFunction).mapToLong(s -> s.address() & ~1L)
                    .distinct().limit(48).toArray());
        }
    }

    private static void lookUp(Base base, byte[] data, BiFunction<DwarfSections, ByteView, DwarfSections> replace) {
        DwarfSections s = replace.apply(base.sections(), ByteView.of(data));
        DebugInfo strict = DebugInfo.of(s);
        DebugInfo lenient = DebugInfo.of(s);
        for (long pc : base.pcs()) {
            try {
                strict.framesStrict(pc);
                strict.function(pc);
                strict.callSiteAt(pc + 4);
                strict.scopes(pc + 2);
            } catch (FormatException e) {
                // refused with a reason: fine
            }
            lenient.frames(pc);
        }
        lenient.warnings();
    }

    private static DwarfSections with(DwarfSections s, ByteView info, ByteView abbrev, ByteView line, ByteView str, ByteView lineStr,
                                      ByteView aranges, ByteView ranges, ByteView rnglists, ByteView strOffsets, ByteView addr) {
        return new DwarfSections(info, abbrev, line, str, lineStr, aranges, ranges, rnglists, strOffsets, addr, s.loc, s.loclists);
    }

    @FuzzTest
    void debugLocLists(byte[] data) {
        lookUp(VALUES, data, (s, b) -> new DwarfSections(s.info, s.abbrev, s.line, s.str, s.lineStr, s.aranges, s.ranges, s.rnglists,
                s.strOffsets, s.addr, s.loc, b));
    }

    @FuzzTest
    void debugInfo(byte[] data) {
        lookUp(DWARF5, data, (s, b) -> with(s, b, s.abbrev, s.line, s.str, s.lineStr, s.aranges, s.ranges, s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugAbbrev(byte[] data) {
        lookUp(DWARF5, data, (s, b) -> with(s, s.info, b, s.line, s.str, s.lineStr, s.aranges, s.ranges, s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugLine(byte[] data) {
        lookUp(DWARF5, data, (s, b) -> with(s, s.info, s.abbrev, b, s.str, s.lineStr, s.aranges, s.ranges, s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugStrings(byte[] data) {
        lookUp(DWARF5, data, (s, b) -> with(s, s.info, s.abbrev, s.line, b, b, s.aranges, s.ranges, s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugRangeLists(byte[] data) {
        lookUp(DWARF5, data, (s, b) -> with(s, s.info, s.abbrev, s.line, s.str, s.lineStr, s.aranges, s.ranges, b, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugRanges(byte[] data) {
        lookUp(DWARF4, data, (s, b) -> with(s, s.info, s.abbrev, s.line, s.str, s.lineStr, s.aranges, b, s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugAranges(byte[] data) {
        lookUp(DWARF5, data, (s, b) -> with(s, s.info, s.abbrev, s.line, s.str, s.lineStr, b, s.ranges, s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugStrOffsetsAndAddr(byte[] data) {
        int half = data.length / 2;
        ByteView all = ByteView.of(data);
        lookUp(DWARF5, data, (s, b) -> with(s, s.info, s.abbrev, s.line, s.str, s.lineStr, s.aranges, s.ranges, s.rnglists,
                all.slice(0, half), all.from(half)));
    }
}
