package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.elf.SymbolTable;
import dev.zmkagent.coredump.memory.Memory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads Thumb halfwords of code: from the ELF's executable sections first (what was flashed), then from the dump
 * (code running from RAM). Knows which addresses are code.
 */
final class CodeReader {
    private final List<ElfSection> code = new ArrayList<>();
    private final Memory memory;
    private final SymbolTable symbols;

    CodeReader(ElfFile elf, Memory memory) {
        this.symbols = elf.symbols();
        for (ElfSection s : elf.sections()) {
            if (s.isAllocated() && s.isExecutable() && s.size() > 0) {
                code.add(s);
            }
        }
        this.memory = memory;
    }

    /**
     * Whether {@code addr} holds instructions: inside an executable section, and not inside a data object placed
     * there. A build linked at the flash base has its vector table at 0 in the executable section (Zephyr's
     * {@code _vector_table}, a data symbol): a call through a NULL pointer lands there, in no function.
     */
    boolean isCode(long addr) {
        for (ElfSection s : code) {
            if (s.contains(addr)) {
                return symbols == null || symbols.containing(addr).filter(o -> o.isObject() && o.size() > 0).isEmpty();
            }
        }
        return false;
    }

    /**
     * Whether {@code addr}, inside an executable section of the ELF, is data placed in code (a literal pool) by the ELF's
     * ARM mapping symbols. Code outside the ELF (running from RAM) has no mapping symbols: false.
     */
    boolean isDataInCode(long addr) {
        if (symbols == null) {
            return false;
        }
        for (ElfSection s : code) {
            if (s.contains(addr)) {
                return symbols.isDataInCode(addr);
            }
        }
        return false;
    }

    OptionalInt halfword(long addr) {
        for (ElfSection s : code) {
            if (s.contains(addr) && s.contains(addr + 1) && s.hasFileData()) {
                return OptionalInt.of(s.data().u16((int) (addr - s.address())));
            }
        }
        var v = memory.u16(addr);
        return v.isPresent() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
    }

    /** True when the first halfword of a Thumb instruction says it is 32 bits long. */
    static boolean isWide(int hw1) {
        int top = hw1 >>> 11;
        return top == 0b11101 || top == 0b11110 || top == 0b11111;
    }

    /** True when the instruction ending just before {@code ret} is BL, BLX (immediate) or BLX (register). */
    boolean precededByCall(long ret) {
        OptionalInt a = halfword(ret - 4);
        OptionalInt b = halfword(ret - 2);
        if (a.isPresent() && b.isPresent()) {
            int hw1 = a.getAsInt();
            int hw2 = b.getAsInt();
            // BL: 11110 S imm10 | 11 J1 1 J2 imm11;  BLX imm: 11110 S imm10H | 11 J1 0 J2 imm10L 0
            if ((hw1 & 0xF800) == 0xF000 && ((hw2 & 0xD000) == 0xD000 || (hw2 & 0xD001) == 0xC000)) {
                return true;
            }
        }
        // BLX Rm: 0100 0111 1 Rm 000
        return b.isPresent() && (b.getAsInt() & 0xFF87) == 0x4780;
    }
}
