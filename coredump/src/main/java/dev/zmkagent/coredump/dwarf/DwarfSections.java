package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;

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
    /** gdb ignores line sequences and ranges that start at 0 unless an allocated section really lives there. */
    final boolean sectionAtZero;

    DwarfSections(ElfFile elf) {
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
        boolean zero = false;
        for (ElfSection s : elf.sections()) {
            if (s.isAllocated() && s.address() == 0 && s.size() > 0) {
                zero = true;
            }
        }
        sectionAtZero = zero;
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
