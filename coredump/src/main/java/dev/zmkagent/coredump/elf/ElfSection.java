package dev.zmkagent.coredump.elf;

import dev.zmkagent.coredump.bytes.ByteView;

/** One section header of an ELF file. {@code data} is empty for SHT_NOBITS sections such as .bss. */
public record ElfSection(String name, int type, long flags, long address, long size, long fileOffset, ByteView data) {
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_NOTE = 7;
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    public boolean isAllocated() {
        return (flags & SHF_ALLOC) != 0;
    }

    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    public boolean isWritable() {
        return (flags & SHF_WRITE) != 0;
    }

    public boolean hasFileData() {
        return type != SHT_NOBITS;
    }

    public boolean contains(long addr) {
        return addr >= address && addr < address + size;
    }
}
