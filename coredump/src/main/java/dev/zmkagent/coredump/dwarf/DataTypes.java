package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The data side of the DWARF: named struct layouts (size and member names) and the variables whose type is, or is an
 * array of, a named struct. Build options leave their mark here — a member that exists only with a Kconfig option,
 * the struct type of every thread stack object — which is what an ELF-only look at a Zephyr build needs. Read once,
 * over every compile unit; units that fail to decode are skipped (their types are simply not known).
 */
public final class DataTypes {
    private static final int TAG_ARRAY_TYPE = 0x01;
    private static final int TAG_MEMBER = 0x0d;
    private static final int TAG_STRUCTURE_TYPE = 0x13;
    private static final int TAG_TYPEDEF = 0x16;
    private static final int TAG_CONST_TYPE = 0x26;
    private static final int TAG_VARIABLE = 0x34;
    private static final int TAG_VOLATILE_TYPE = 0x35;
    private static final int AT_BYTE_SIZE = 0x0b;
    private static final int AT_LOCATION = 0x02;
    private static final int AT_TYPE = 0x49;
    private static final int OP_ADDR = 0x03;

    /** A struct's size and its member names in declaration order. */
    public record StructLayout(String name, long byteSize, List<String> members) {
        public boolean hasMember(String member) {
            return members.contains(member);
        }
    }

    /** A variable with a static address whose type is struct {@code structName} or an array of it. */
    public record StructVariable(String name, long address, String structName, boolean array) {
    }

    private final Map<String, StructLayout> structs = new LinkedHashMap<>();
    private final List<StructVariable> variables = new ArrayList<>();
    private final boolean present;

    private DataTypes(DwarfSections s) {
        present = s.info.length() > 0;
        long off = 0;
        while (off + 4 <= s.info.length()) {
            Unit u;
            try {
                u = Unit.at(s, off);
            } catch (FormatException e) {
                break;
            }
            off = u.end;
            try {
                if (u.isCompileUnit()) {
                    read(u);
                }
            } catch (FormatException e) {
                // a unit we cannot decode contributes nothing; the others still count
            }
        }
    }

    public static DataTypes of(ElfFile elf) {
        return new DataTypes(new DwarfSections(elf));
    }

    /** True when the ELF has .debug_info at all (without it, nothing here can be known). */
    public boolean hasDwarf() {
        return present;
    }

    /** The first complete definition of {@code struct name}. */
    public Optional<StructLayout> struct(String name) {
        return Optional.ofNullable(structs.get(name));
    }

    /** Variables (defined, with a DW_OP_addr location) of type struct {@code name}, arrays of it included. */
    public List<StructVariable> variablesOf(String structName) {
        List<StructVariable> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (StructVariable v : variables) {
            if (v.structName().equals(structName) && seen.add(v.address())) {
                out.add(v);
            }
        }
        return out;
    }

    private void read(Unit u) {
        List<Die> dies = u.dies();
        for (int i = 0; i < dies.size(); i++) {
            Die d = dies.get(i);
            if (d.tag == TAG_STRUCTURE_TYPE && !d.has(Dw.AT_DECLARATION)) {
                String name = u.string(d, Dw.AT_NAME);
                if (name != null && d.has(AT_BYTE_SIZE) && !structs.containsKey(name)) {
                    List<String> members = new ArrayList<>();
                    for (int c = i + 1; c < d.end; c = dies.get(c).end) {
                        Die m = dies.get(c);
                        if (m.tag == TAG_MEMBER) {
                            String mn = u.string(m, Dw.AT_NAME);
                            members.add(mn == null ? "" : mn);
                        }
                    }
                    structs.put(name, new StructLayout(name, u.constant(d, AT_BYTE_SIZE, 0), List.copyOf(members)));
                }
            } else if (d.tag == TAG_VARIABLE) {
                variable(u, dies, d);
            }
        }
    }

    private void variable(Unit u, List<Die> dies, Die d) {
        OptionalLong address = address(u, d);
        if (address.isEmpty()) {
            return;
        }
        Die named = d;
        long spec = u.reference(d, Dw.AT_SPECIFICATION);
        if (spec >= 0 && u.containsOffset(spec) && u.indexOf(spec) >= 0) {
            named = dies.get(u.indexOf(spec));
        }
        String name = u.string(named, Dw.AT_NAME);
        long type = u.reference(named, AT_TYPE);
        if (name == null || type < 0) {
            return;
        }
        boolean array = false;
        for (int hops = 0; hops < 16 && type >= 0 && u.containsOffset(type); hops++) {
            int idx = u.indexOf(type);
            if (idx < 0) {
                return;
            }
            Die t = dies.get(idx);
            switch (t.tag) {
                case TAG_STRUCTURE_TYPE -> {
                    String sn = u.string(t, Dw.AT_NAME);
                    if (sn != null) {
                        variables.add(new StructVariable(name, address.getAsLong(), sn, array));
                    }
                    return;
                }
                case TAG_ARRAY_TYPE -> array = true;
                case TAG_TYPEDEF, TAG_CONST_TYPE, TAG_VOLATILE_TYPE -> {
                }
                default -> {
                    return;
                }
            }
            type = u.reference(t, AT_TYPE);
        }
    }

    private static OptionalLong address(Unit u, Die d) {
        ByteView expr = u.block(d, AT_LOCATION);
        if (expr == null || expr.length() != 1 + u.addressSize || expr.u8(0) != OP_ADDR) {
            return OptionalLong.empty();
        }
        long a = u.addressSize == 4 ? expr.u32(1) : expr.u64(1);
        return a == 0 ? OptionalLong.empty() : OptionalLong.of(a);
    }
}
