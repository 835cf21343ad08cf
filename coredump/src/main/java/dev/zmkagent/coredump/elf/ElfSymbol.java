package dev.zmkagent.coredump.elf;

/**
 * A symbol from .symtab. For Thumb functions the ELF value has bit 0 set; {@code address} has it cleared, as
 * gdb shows it.
 */
public record ElfSymbol(String name, long address, long size, int type, int binding, int sectionIndex) {
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;

    public boolean isFunction() {
        return type == STT_FUNC;
    }

    public boolean isObject() {
        return type == STT_OBJECT;
    }

    public boolean contains(long addr) {
        return addr >= address && addr < address + Math.max(size, 1);
    }
}
