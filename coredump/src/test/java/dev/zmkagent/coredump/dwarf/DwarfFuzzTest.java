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
 * (DWARF 5, and DWARF 4 for .debug_ranges; a hand-made unit for the indexed forms), the others stay real and pre-parsed, so the reader meets valid neighbours
 * and hostile content. The lookups are the functions of one compile unit ({@link Frame#UNIT}), so an input decodes one
 * unit, not the whole program: that keeps a target at thousands of inputs per second. Where a unit points to its own
 * part of a section (.debug_info, .debug_abbrev, .debug_line), the fuzzer's bytes are spliced in at that offset after
 * the real bytes before it, and the seed is the real section from there ({@link DwarfFuzzSeeds}). Each pc is looked up
 * leniently (must answer), then its function, call site and scopes strictly (a {@link FormatException} is fine), on
 * one {@link DebugInfo}.
 */
class DwarfFuzzTest {
    static final Frame DWARF5 = new Frame("nice_nano-busfault");
    static final Frame DWARF4 = new Frame("nice_nano-busfault-dwarf4");
    static final Frame VALUES = new Frame("nice_nano-values");

    /** A real build's sections, its unit for crashlab/fw/app.c (where it points into which section) and the pcs of its functions. */
    static final class Frame {
        static final String UNIT = "crashlab/fw/app.c";
        private static final int MAX_PCS = 12;

        final DwarfSections real;
        /** The unit, header and root DIE read (from the real sections), for readers that take a unit as context. */
        final Unit unit;
        final long unitOffset;
        final long abbrevOffset;
        final long lineOffset;
        final long[] pcs;

        Frame(String scenario) {
            ElfFile elf = ElfFile.parse(ByteView.of(CrashLab.scenario(scenario).appElf()));
            real = new DwarfSections(elf);
            Unit unit = null;
            for (long off = 0; off < real.info.length(); ) {
                Unit u = Unit.at(real, off);
                if (UNIT.equals(u.name())) {
                    unit = u;
                    break;
                }
                off = u.end;
            }
            if (unit == null) {
                throw new IllegalStateException(scenario + ": no compile unit " + UNIT);
            }
            this.unit = unit;
            unit.rootRanges();
            unitOffset = unit.offset;
            abbrevOffset = unit.abbrevOffset;
            lineOffset = unit.root().values[unit.root().find(Dw.AT_STMT_LIST)];
            DebugInfo d = DebugInfo.of(real);
            pcs = elf.symbols().all().stream().filter(ElfSymbol::isFunction).mapToLong(s -> s.address() & ~1L).distinct()
                    .filter(pc -> d.function(pc).map(f -> UNIT.equals(f.compileUnit())).orElse(false)).limit(MAX_PCS).toArray();
            if (pcs.length == 0) {
                throw new IllegalStateException(scenario + ": no function of " + UNIT + " among the ELF symbols");
            }
        }
    }

    /** The real bytes of {@code section} before {@code at}, then the fuzzer's. */
    static ByteView splice(ByteView section, long at, byte[] data) {
        byte[] out = new byte[(int) at + data.length];
        System.arraycopy(section.slice(0, at).toArray(), 0, out, 0, (int) at);
        System.arraycopy(data, 0, out, (int) at, data.length);
        return ByteView.of(out);
    }

    /** What to ask for each pc: the reader under test decides which lookups reach it. */
    private static final int FRAMES = 1;
    private static final int FUNCTION = 2;
    private static final int CALLS = 4;
    private static final int SCOPES = 8;
    private static final int ALL = FRAMES | FUNCTION | CALLS | SCOPES;

    private static void lookUp(Frame frame, byte[] data, int what, BiFunction<DwarfSections, ByteView, DwarfSections> replace) {
        lookUp(replace.apply(frame.real, ByteView.of(data)), frame.pcs, what);
    }

    private static void lookUp(DwarfSections s, long[] pcs, int what) {
        DebugInfo d = DebugInfo.of(s);
        for (long pc : pcs) {
            if ((what & FRAMES) != 0) {
                d.frames(pc); // framesStrict, with the ELF-symbol fallback when it throws
            }
            try {
                if ((what & FUNCTION) != 0) {
                    d.function(pc);
                }
                if ((what & CALLS) != 0) {
                    d.callSiteAt(pc + 4);
                }
                if ((what & SCOPES) != 0) {
                    d.scopes(pc + 2);
                }
            } catch (FormatException e) {
                // refused with a reason: fine
            }
        }
        d.warnings();
    }

    private static DwarfSections with(DwarfSections s, ByteView info, ByteView abbrev, ByteView line, ByteView str, ByteView lineStr,
                                      ByteView aranges, ByteView ranges, ByteView rnglists, ByteView strOffsets, ByteView addr) {
        return new DwarfSections(info, abbrev, line, str, lineStr, aranges, ranges, rnglists, strOffsets, addr, s.loc, s.loclists);
    }

    @FuzzTest
    void debugLocLists(byte[] data) {
        lookUp(VALUES, data, SCOPES, (s, b) -> new DwarfSections(s.info, s.abbrev, s.line, s.str, s.lineStr, s.aranges, s.ranges, s.rnglists,
                s.strOffsets, s.addr, s.loc, b));
    }

    @FuzzTest
    void debugInfo(byte[] data) {
        Frame f = DWARF5;
        lookUp(f, data, ALL, (s, b) -> with(s, splice(s.info, f.unitOffset, data), s.abbrev, s.line, s.str, s.lineStr, s.aranges, s.ranges,
                s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugAbbrev(byte[] data) {
        Frame f = DWARF5;
        lookUp(f, data, ALL, (s, b) -> with(s, s.info, splice(s.abbrev, f.abbrevOffset, data), s.line, s.str, s.lineStr, s.aranges, s.ranges,
                s.rnglists, s.strOffsets, s.addr));
    }

    /**
     * The line program on its own, spliced in at the unit's DW_AT_stmt_list and read for that unit (already decoded:
     * its name, directory and lowest pc are the context a line program needs), then asked what the analysis asks.
     */
    @FuzzTest
    void debugLine(byte[] data) {
        Frame f = DWARF5;
        DwarfSections s = with(f.real, f.real.info, f.real.abbrev, splice(f.real.line, f.lineOffset, data), f.real.str, f.real.lineStr,
                f.real.aranges, f.real.ranges, f.real.rnglists, f.real.strOffsets, f.real.addr);
        LineTable lines;
        try {
            lines = LineTable.parse(s, f.lineOffset, f.unit.addressSize, f.unit);
        } catch (FormatException e) {
            return;
        }
        for (long pc : f.pcs) {
            lines.lookup(pc);
            lines.lookup(pc + 6);
        }
        for (long file = 0; file < 24; file++) {
            lines.fileName(file);
        }
        lines.rows();
    }

    @FuzzTest
    void debugStrings(byte[] data) {
        lookUp(DWARF5, data, ALL, (s, b) -> with(s, s.info, s.abbrev, s.line, b, b, s.aranges, s.ranges, s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugRangeLists(byte[] data) {
        lookUp(DWARF5, data, FRAMES | FUNCTION | SCOPES, (s, b) -> with(s, s.info, s.abbrev, s.line, s.str, s.lineStr, s.aranges, s.ranges, b, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugRanges(byte[] data) {
        lookUp(DWARF4, data, FRAMES | FUNCTION | SCOPES, (s, b) -> with(s, s.info, s.abbrev, s.line, s.str, s.lineStr, s.aranges, b, s.rnglists, s.strOffsets, s.addr));
    }

    @FuzzTest
    void debugAranges(byte[] data) {
        lookUp(DWARF5, data, FRAMES, (s, b) -> with(s, s.info, s.abbrev, s.line, s.str, s.lineStr, b, s.ranges, s.rnglists, s.strOffsets, s.addr));
    }

    /** A hand-made DWARF 5 unit that uses strx1, addrx and rnglistx (GCC's output for the lab uses none of them). */
    private static final DwarfSections INDEXED = DwarfFormsTest.unit();
    private static final long[] INDEXED_PCS = {0x1000, 0x1012, 0x1016, 0x1022, 0x102e};

    /**
     * .debug_str_offsets and .debug_addr together: the first byte says how many of the following bytes are the string
     * offsets table; the rest is the address table. The unit's names, low pcs and an inlined call's entry pc go
     * through them.
     */
    @FuzzTest
    void debugStrOffsetsAndAddr(byte[] data) {
        ByteView all = ByteView.of(data);
        int cut = data.length == 0 ? 0 : Math.min(data.length - 1, data[0] & 0xFF);
        ByteView strOffsets = data.length == 0 ? all : all.slice(1, cut);
        ByteView addr = data.length == 0 ? all : all.from(1 + cut);
        DwarfSections s = INDEXED;
        lookUp(with(s, s.info, s.abbrev, s.line, s.str, s.lineStr, s.aranges, s.ranges, s.rnglists, strOffsets, addr), INDEXED_PCS, ALL);
    }
}
