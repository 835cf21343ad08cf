package dev.zmkagent.coredump.elf;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A 32-bit little-endian ARM ELF file (what arm-none-eabi-gcc and Zephyr produce). Section headers, load segments
 * and symbols are read eagerly (they are small); DWARF is left to {@code dwarf} to index lazily.
 *
 * <p>Anything else (64-bit, big-endian, another machine, not an ELF at all) is refused with a one-line reason.
 */
public final class ElfFile {
    public static final int EM_ARM = 40;
    private static final int PT_LOAD = 1;

    private final ByteView bytes;
    private final List<ElfSection> sections;
    private final List<ElfSegment> loadSegments;
    private final int entry;
    private SymbolTable symbols;

    private ElfFile(ByteView bytes, List<ElfSection> sections, List<ElfSegment> loadSegments, int entry) {
        this.bytes = bytes;
        this.sections = sections;
        this.loadSegments = loadSegments;
        this.entry = entry;
    }

    public static ElfFile parse(ByteView b) {
        if (b.length() < 16 || b.u8(0) != 0x7F || !b.ascii(1, 3).equals("ELF")) {
            throw new FormatException("not an ELF file: the first bytes are not \\x7fELF", 0);
        }
        int elfClass = b.u8(4);
        int dataEncoding = b.u8(5);
        if (elfClass != 1) {
            throw new FormatException("ELF is " + (elfClass == 2 ? "64-bit" : "of unknown class " + elfClass)
                    + "; zmk-agent expects a 32-bit ARM firmware ELF (zmk.elf)", 4);
        }
        if (dataEncoding != 1) {
            throw new FormatException("ELF is big-endian; expected a little-endian ARM firmware ELF", 5);
        }
        b.require(0, 52, "ELF header");
        int machine = b.u16(18);
        if (machine != EM_ARM) {
            throw new FormatException("ELF is for " + machineName(machine) + " (e_machine " + machine
                    + "), not ARM (40); is this the firmware's zmk.elf?", 18);
        }
        int elfType = b.u16(16);
        if (elfType == 1) {
            throw new FormatException("ELF is a relocatable object (.o), not linked firmware: give the build's zmk.elf", 16);
        }
        if (elfType != 2) {
            throw new FormatException("ELF type " + elfType + " is not an executable; give the firmware's linked zmk.elf", 16);
        }
        int entry = b.s32(24);
        long phoff = b.u32(28);
        long shoff = b.u32(32);
        int phentsize = b.u16(42);
        int phnum = b.u16(44);
        int shentsize = b.u16(46);
        int shnum = b.u16(48);
        int shstrndx = b.u16(50);

        List<ElfSegment> segments = new ArrayList<>();
        if (phnum > 0) {
            if (phentsize < 32) {
                throw new FormatException("ELF program header entries are " + phentsize + " bytes, expected 32", 42);
            }
            b.require(phoff, (long) phnum * phentsize, "ELF program header table");
            for (int i = 0; i < phnum; i++) {
                int o = (int) (phoff + (long) i * phentsize);
                if (b.s32(o) != PT_LOAD) {
                    continue;
                }
                long offset = b.u32(o + 4);
                long vaddr = b.u32(o + 8);
                long paddr = b.u32(o + 12);
                long filesz = b.u32(o + 16);
                long memsz = b.u32(o + 20);
                int flags = b.s32(o + 24);
                if (!b.has(offset, filesz)) {
                    throw new FormatException(String.format("ELF program header %d places %d bytes at file offset 0x%x, past the end of the %d-byte file",
                            i, filesz, offset, b.length()), o);
                }
                ByteView data = b.slice(offset, filesz);
                segments.add(new ElfSegment(vaddr, paddr, filesz, memsz, flags, offset, data));
            }
        }

        List<ElfSection> sections = new ArrayList<>();
        if (shnum > 0) {
            if (shentsize < 40) {
                throw new FormatException("ELF section header entries are " + shentsize + " bytes, expected 40", 46);
            }
            b.require(shoff, (long) shnum * shentsize, "ELF section header table");
            if (shstrndx >= shnum) {
                throw new FormatException("ELF section name table index " + shstrndx + " is past the " + shnum + " sections", 50);
            }
            int strOff = (int) (shoff + (long) shstrndx * shentsize);
            ByteView names = b.slice(b.u32(strOff + 16), b.u32(strOff + 20));
            for (int i = 0; i < shnum; i++) {
                int o = (int) (shoff + (long) i * shentsize);
                long nameOff = b.u32(o);
                int type = b.s32(o + 4);
                long flags = b.u32(o + 8);
                long addr = b.u32(o + 12);
                long offset = b.u32(o + 16);
                long size = b.u32(o + 20);
                String name = nameOff < names.length() ? names.cString((int) nameOff) : "";
                boolean noData = type == ElfSection.SHT_NOBITS || type == 0;
                if (!noData && !b.has(offset, size)) {
                    throw new FormatException(String.format("ELF section '%s' (header %d) places %d bytes at file offset 0x%x, past the end of the %d-byte file",
                            name, i, size, offset, b.length()), o);
                }
                ByteView data = noData ? ByteView.of(new byte[0]) : b.slice(offset, size);
                sections.add(new ElfSection(name, type, flags, addr, size, offset, data));
            }
        }
        return new ElfFile(b, Collections.unmodifiableList(sections), Collections.unmodifiableList(segments), entry);
    }

    private static String machineName(int machine) {
        switch (machine) {
            case 3: return "x86";
            case 62: return "x86-64";
            case 183: return "AArch64";
            case 243: return "RISC-V";
            case 94: return "Xtensa";
            default: return "another architecture";
        }
    }

    public ByteView bytes() {
        return bytes;
    }

    public long entryPoint() {
        return entry & 0xFFFF_FFFFL;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    public Optional<ElfSection> section(String name) {
        for (ElfSection s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public List<ElfSegment> loadSegments() {
        return loadSegments;
    }

    /** The bytes of one allocated section at its load address (where it lives in flash). */
    public record LoadedBytes(String section, long loadAddress, ByteView data) {
    }

    /**
     * The bytes this ELF defines in flash: every allocated section with file data (SHF_ALLOC, not SHT_NOBITS), at its
     * load address (its segment's p_paddr plus its offset inside the segment). Alignment gaps between sections are
     * not in it: the linker leaves zeros there in the segment, a Zephyr build's zephyr.bin/.hex/.uf2 has 0xFF
     * (objcopy --gap-fill 0xff), and neither is the firmware. A section outside every PT_LOAD segment is not loaded
     * and not in it either.
     */
    public List<LoadedBytes> definedFlashBytes() {
        List<LoadedBytes> out = new ArrayList<>();
        for (ElfSection s : sections) {
            if (!s.isAllocated() || !s.hasFileData() || s.size() == 0) {
                continue;
            }
            for (ElfSegment seg : loadSegments) {
                if (s.fileOffset() >= seg.fileOffset() && s.fileOffset() + s.size() <= seg.fileOffset() + seg.fileSize()) {
                    out.add(new LoadedBytes(s.name(), seg.physicalAddress() + (s.fileOffset() - seg.fileOffset()), s.data()));
                    break;
                }
            }
        }
        out.sort((a, b) -> Long.compare(a.loadAddress(), b.loadAddress()));
        return Collections.unmodifiableList(out);
    }

    /** The allocated section holding {@code addr}, if any (used for "is this pc inside code?"). */
    public Optional<ElfSection> sectionAt(long addr) {
        for (ElfSection s : sections) {
            if (s.isAllocated() && s.contains(addr)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public boolean isCode(long addr) {
        return sectionAt(addr).map(ElfSection::isExecutable).orElse(false);
    }

    public synchronized SymbolTable symbols() {
        if (symbols == null) {
            symbols = readSymbols();
        }
        return symbols;
    }

    private SymbolTable readSymbols() {
        List<ElfSymbol> list = new ArrayList<>();
        for (ElfSection s : sections) {
            if (s.type() != ElfSection.SHT_SYMTAB) {
                continue;
            }
            ElfSection strtab = null;
            int link = linkOf(s);
            if (link > 0 && link < sections.size()) {
                strtab = sections.get(link);
            }
            ByteView d = s.data();
            for (int o = 16; o + 16 <= d.length(); o += 16) {
                long nameOff = d.u32(o);
                long value = d.u32(o + 4);
                long size = d.u32(o + 8);
                int info = d.u8(o + 12);
                int shndx = d.u16(o + 14);
                int type = info & 0xF;
                int bind = info >> 4;
                String name = strtab != null && nameOff < strtab.data().length() ? strtab.data().cString((int) nameOff) : "";
                long addr = type == ElfSymbol.STT_FUNC ? value & ~1L : value;
                list.add(new ElfSymbol(name, addr, size, type, bind, shndx));
            }
        }
        return new SymbolTable(list);
    }

    private int linkOf(ElfSection s) {
        int index = sections.indexOf(s);
        // sh_link lives at offset 24 of the section header.
        long shoff = bytes.u32(32);
        int shentsize = bytes.u16(46);
        return bytes.s32((int) (shoff + (long) index * shentsize + 24));
    }

    /** The GNU build ID from .note.gnu.build-id as lowercase hex, when the linker emitted one. */
    public Optional<String> buildId() {
        for (ElfSection s : sections) {
            if (s.type() != ElfSection.SHT_NOTE) {
                continue;
            }
            ByteView d = s.data();
            int o = 0;
            while (o + 12 <= d.length()) {
                long namesz = d.u32(o);
                long descsz = d.u32(o + 4);
                long type = d.u32(o + 8);
                long nameEnd = o + 12 + align4(namesz);
                if (!d.has(o + 12, align4(namesz) + align4(descsz))) {
                    break;
                }
                String name = d.slice(o + 12, namesz).cString(0);
                if (type == 3 && name.equals("GNU")) {
                    return Optional.of(HexFormat.of().formatHex(d.slice(nameEnd, descsz).toArray()));
                }
                o = (int) (nameEnd + align4(descsz));
            }
        }
        return Optional.empty();
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
