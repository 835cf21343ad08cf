package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.elf.ElfSymbol;

/**
 * The DWARF sections of one ELF, as views (empty when a section is absent). Offsets inside DWARF are section
 * offsets; errors name the section and the section offset, and carry the file offset for {@link FormatException}.
 */
final class DwarfSections {
    static final ByteView EMPTY = ByteView.of(new byte[0]);

    final ByteView info;
    final ByteView abbrev;
    final ByteView line;
    final ByteView str;
    final ByteView lineStr;
    final ByteView aranges;
    final ByteView ranges;
    final ByteView rnglists;
    final ByteView strOffsets;
    final ByteView addr;
    final ByteView loc;
    final ByteView loclists;
    /**
     * Whether address 0 holds a real function: a sized ELF FUNC symbol covers it inside an executable section.
     * GNU ld leaves the DWARF of functions that --gc-sections discarded at address 0 (lld writes 0 or the -1/-2
     * tombstones); gdb accepts such ranges whenever any allocated section sits at 0, and so names a discarded
     * function for a call through a NULL pointer. On a board with flash at 0, address 0 is the vector table: an
     * allocated section, but no function, so DWARF at 0 still counts for nothing there.
     */
    final boolean sectionAtZero;

    DwarfSections(ElfFile elf) {
        this(elf, functionAtZero(elf));
    }

    /** For tests: with address 0 taken as code or not, whatever the ELF says (gdb's looser rule, for one). */
    DwarfSections(ElfFile elf, boolean zeroIsCode) {
        info = section(elf, ".debug_info");
        abbrev = section(elf, ".debug_abbrev");
        line = section(elf, ".debug_line");
        str = section(elf, ".debug_str");
        lineStr = section(elf, ".debug_line_str");
        aranges = section(elf, ".debug_aranges");
        ranges = section(elf, ".debug_ranges");
        rnglists = section(elf, ".debug_rnglists");
        strOffsets = section(elf, ".debug_str_offsets");
        addr = section(elf, ".debug_addr");
        loc = section(elf, ".debug_loc");
        loclists = section(elf, ".debug_loclists");
        sectionAtZero = zeroIsCode;
    }

    /** For tests: sections given directly. */
    DwarfSections(ByteView info, ByteView abbrev, ByteView line, ByteView str, ByteView lineStr, ByteView aranges,
            ByteView ranges, ByteView rnglists, ByteView strOffsets, ByteView addr) {
        this(info, abbrev, line, str, lineStr, aranges, ranges, rnglists, strOffsets, addr, EMPTY, EMPTY);
    }

    /** For tests: sections given directly, location lists too. */
    DwarfSections(ByteView info, ByteView abbrev, ByteView line, ByteView str, ByteView lineStr, ByteView aranges,
            ByteView ranges, ByteView rnglists, ByteView strOffsets, ByteView addr, ByteView loc, ByteView loclists) {
        this.loc = loc;
        this.loclists = loclists;
        this.info = info;
        this.abbrev = abbrev;
        this.line = line;
        this.str = str;
        this.lineStr = lineStr;
        this.aranges = aranges;
        this.ranges = ranges;
        this.rnglists = rnglists;
        this.strOffsets = strOffsets;
        this.addr = addr;
        this.sectionAtZero = false;
    }

    private static boolean functionAtZero(ElfFile elf) {
        if (!elf.isCode(0)) {
            return false;
        }
        for (ElfSymbol sym : elf.symbols().all()) {
            if (sym.isFunction() && sym.size() > 0 && sym.contains(0)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a DWARF range or line sequence starting at {@code start} describes code that is in the image: not
     * a tombstone (-1 or -2, as lld writes for discarded code) and not address 0 unless a function lives there.
     */
    boolean keeps(long start) {
        if (tombstone(start)) {
            return false;
        }
        return start != 0 || sectionAtZero;
    }

    /** The -1 and -2 that lld writes, 32- or 64-bit, for the address of something the link discarded. */
    static boolean tombstone(long address) {
        return address == 0xffffffffL || address == 0xfffffffeL || address == -1L || address == -2L;
    }

    private static ByteView section(ElfFile elf, String name) {
        return elf.section(name).filter(ElfSection::hasFileData).map(ElfSection::data).orElse(EMPTY);
    }

    /** A failure at {@code offset} of {@code section} (a view from this object). */
    static FormatException error(String sectionName, ByteView section, long offset, String message) {
        return new FormatException(String.format("%s at section offset 0x%x: %s", sectionName, offset, message),
                section.origin() + offset);
    }

    /** Re-labels a low-level read failure with the section and the structure being read. */
    static FormatException within(String sectionName, String what, long structureOffset, FormatException cause) {
        String message = cause.getMessage();
        int cut = message.lastIndexOf(" (at offset 0x");
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        FormatException e = new FormatException(
                String.format("%s: %s at section offset 0x%x is truncated or corrupt: %s", sectionName, what, structureOffset, message),
                cause.offset());
        e.initCause(cause);
        return e;
    }
}
