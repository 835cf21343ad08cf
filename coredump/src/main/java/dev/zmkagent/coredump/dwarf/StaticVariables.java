package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every variable with a fixed address (DW_TAG_variable whose DW_AT_location is DW_OP_addr or DW_OP_addrx) and the
 * layout of its type, read from all of .debug_info. Unlike {@link DebugInfo}, which decodes one unit per code
 * lookup, this reads every unit once: it answers "which objects in RAM are of type X, and where are their fields".
 *
 * <p>A struct that one unit only declares (DW_AT_declaration) is completed from the unit that defines a struct of the
 * same name. Pointers are scalars here (their targets are not followed), so a self-referencing type cannot loop.
 *
 * <p>This is the one reader of the data side of the DWARF; {@link DwarfObjects} (thread objects and member paths)
 * and {@link DataTypes} (what a build's types say about its Kconfig) are queries over it. Bad DWARF costs only what
 * it touches: a unit that cannot be decoded, or a variable whose type cannot be resolved, is left out and named in
 * {@link #problems}. A variable the linker discarded (--gc-sections) keeps its DIE with address 0 or a tombstone
 * (-1, -2), as discarded functions do; no Zephyr object lives there, so such a variable is left out too.
 */
public final class StaticVariables {
    private static final int MAX_TYPE_DEPTH = 64;

    public record Variable(String name, long address, TypeLayout type) {
    }

    private final List<Variable> variables;
    private final Map<String, TypeLayout> structs;
    private final List<String> problems;
    private final boolean present;

    private StaticVariables(List<Variable> variables, Map<String, TypeLayout> structs, List<String> problems, boolean present) {
        this.variables = variables;
        this.structs = structs;
        this.problems = problems;
        this.present = present;
    }

    /** Reads the ELF's DWARF; an ELF without .debug_info gives no variables and no types. */
    public static StaticVariables of(ElfFile elf) {
        return new Reader(new DwarfSections(elf)).read();
    }

    public List<Variable> all() {
        return variables;
    }

    /** The complete definition of {@code struct name}, when some unit has one. */
    public Optional<TypeLayout> struct(String name) {
        return Optional.ofNullable(structs.get(name));
    }

    /** True when the ELF has .debug_info at all (without it, nothing here can be known). */
    public boolean hasDwarf() {
        return present;
    }

    /** What could not be read (a unit, a variable's type), one line each; what was read is still answered. */
    public List<String> problems() {
        return problems;
    }

    private static final class Reader {
        private final DwarfSections s;
        private final List<Unit> units = new ArrayList<>();
        private final Map<Long, TypeLayout> resolved = new HashMap<>();
        private final Map<String, TypeLayout> structs = new HashMap<>();
        /** struct name to the DIE offsets of its complete definitions, for completing declarations. */
        private final Map<String, Long> structDefinitions = new HashMap<>();
        private final Set<String> problems = new LinkedHashSet<>();

        Reader(DwarfSections s) {
            this.s = s;
        }

        StaticVariables read() {
            long off = 0;
            while (off + 4 <= s.info.length()) {
                Unit u;
                try {
                    u = Unit.at(s, off);
                } catch (FormatException e) {
                    problems.add("DWARF unit at 0x" + Long.toHexString(off) + " unreadable: " + e.getMessage());
                    break;
                }
                off = u.end;
                if (u.isCompileUnit() && decodes(u)) {
                    units.add(u);
                }
            }
            for (Unit u : units) {
                for (Die d : u.dies()) {
                    if (d.tag == Dw.TAG_STRUCTURE_TYPE && !d.has(Dw.AT_DECLARATION)) {
                        String name = u.string(d, Dw.AT_NAME);
                        if (name != null) {
                            structDefinitions.putIfAbsent(name, d.offset);
                        }
                    }
                }
            }
            List<Variable> out = new ArrayList<>();
            for (Unit u : units) {
                for (Die d : u.dies()) {
                    if (d.tag == Dw.TAG_VARIABLE) {
                        try {
                            variable(u, d).ifPresent(out::add);
                        } catch (FormatException | IllegalStateException | IndexOutOfBoundsException e) {
                            problems.add("DWARF variable at .debug_info 0x" + Long.toHexString(d.offset) + " skipped: " + e.getMessage());
                        }
                    }
                }
            }
            for (Map.Entry<String, Long> e : structDefinitions.entrySet()) {
                try {
                    structs.put(e.getKey(), type(e.getValue(), 0));
                } catch (FormatException | IllegalStateException | IndexOutOfBoundsException x) {
                    problems.add("DWARF struct " + e.getKey() + " skipped: " + x.getMessage());
                }
            }
            return new StaticVariables(List.copyOf(out), Map.copyOf(structs), List.copyOf(problems), s.info.length() > 0);
        }

        /** Decodes the unit's DIEs once (they are kept for type references); false, with a problem, when it cannot be. */
        private boolean decodes(Unit u) {
            try {
                u.dies();
                return true;
            } catch (FormatException | IllegalStateException | IndexOutOfBoundsException e) {
                problems.add("DWARF unit at 0x" + Long.toHexString(u.offset) + " skipped: " + e.getMessage());
                return false;
            }
        }

        private Optional<Variable> variable(Unit u, Die d) {
            Long address = staticAddress(u, d);
            if (address == null || address == 0 || DwarfSections.tombstone(address)) {   // no Zephyr object lives at 0
                return Optional.empty();
            }
            Die decl = d;
            Unit declUnit = u;
            long spec = u.reference(d, Dw.AT_SPECIFICATION);
            if (spec >= 0) {
                declUnit = unitOf(spec);
                if (declUnit != null && declUnit.indexOf(spec) >= 0) {
                    decl = declUnit.dies().get(declUnit.indexOf(spec));
                } else {
                    declUnit = u;
                }
            }
            String name = u.string(d, Dw.AT_NAME);
            if (name == null) {
                name = declUnit.string(decl, Dw.AT_NAME);
            }
            long typeRef = u.reference(d, Dw.AT_TYPE);
            if (typeRef < 0) {
                typeRef = declUnit.reference(decl, Dw.AT_TYPE);
            }
            if (name == null || typeRef < 0) {
                return Optional.empty();
            }
            return Optional.of(new Variable(name, address, type(typeRef, 0)));
        }

        /** The address of a DW_OP_addr / DW_OP_addrx location expression that is the whole expression, else null. */
        private Long staticAddress(Unit u, Die d) {
            ByteView loc = u.block(d, Dw.AT_LOCATION);
            if (loc == null || loc.length() == 0) {
                return null;
            }
            ByteCursor c = loc.cursor();
            int op = c.u8();
            long a;
            if (op == Dw.OP_ADDR) {
                a = c.unsigned(u.addressSize);
            } else if (op == Dw.OP_ADDRX || op == Dw.OP_GNU_ADDR_INDEX) {
                a = u.indexedAddress(c.uleb128());
            } else {
                return null;
            }
            return c.hasRemaining() ? null : a;
        }

        /** The unit holding {@code infoOffset}: units are in .debug_info order, so a binary search finds it. */
        private Unit unitOf(long infoOffset) {
            int lo = 0;
            int hi = units.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                Unit u = units.get(mid);
                if (u.containsOffset(infoOffset)) {
                    return u;
                }
                if (infoOffset < u.offset) {
                    hi = mid - 1;
                } else {
                    lo = mid + 1;
                }
            }
            return null;
        }

        private TypeLayout type(long dieOffset, int depth) {
            TypeLayout t = resolved.get(dieOffset);
            if (t != null) {
                return t;
            }
            if (depth > MAX_TYPE_DEPTH) {
                throw DwarfSections.error(".debug_info", s.info, dieOffset, "type chain deeper than " + MAX_TYPE_DEPTH);
            }
            Unit u = unitOf(dieOffset);
            int i = u == null ? -1 : u.indexOf(dieOffset);
            if (i < 0) {
                throw DwarfSections.error(".debug_info", s.info, Math.max(0, dieOffset), "type reference to no DIE");
            }
            List<Die> dies = u.dies();
            Die d = dies.get(i);
            String name = u.string(d, Dw.AT_NAME);
            long size = u.constant(d, Dw.AT_BYTE_SIZE, -1);
            switch (d.tag) {
                case Dw.TAG_TYPEDEF, Dw.TAG_CONST_TYPE, Dw.TAG_VOLATILE_TYPE, Dw.TAG_RESTRICT_TYPE, Dw.TAG_ATOMIC_TYPE -> {
                    long target = u.reference(d, Dw.AT_TYPE);
                    t = target < 0 ? TypeLayout.scalar(null, 0) : type(target, depth + 1);      // const void
                }
                case Dw.TAG_STRUCTURE_TYPE, Dw.TAG_UNION_TYPE -> {
                    Long definition = name == null ? null : structDefinitions.get(name);
                    if (d.has(Dw.AT_DECLARATION) && d.tag == Dw.TAG_STRUCTURE_TYPE && definition != null && definition != dieOffset) {
                        t = type(definition, depth + 1);
                    } else {
                        List<TypeLayout.Member> members = new ArrayList<>();
                        for (int j = i + 1; j < d.end; j = Math.max(j + 1, dies.get(j).end)) {
                            Die m = dies.get(j);
                            if (m.tag != Dw.TAG_MEMBER || m.parent != i) {
                                continue;
                            }
                            long mt = u.reference(m, Dw.AT_TYPE);
                            if (mt < 0) {
                                continue;
                            }
                            members.add(new TypeLayout.Member(u.string(m, Dw.AT_NAME), memberOffset(u, m), type(mt, depth + 1)));
                        }
                        t = new TypeLayout(d.tag == Dw.TAG_STRUCTURE_TYPE ? TypeLayout.Kind.STRUCT : TypeLayout.Kind.UNION, name,
                                Math.max(size, 0), List.copyOf(members), Optional.empty(), 0);
                    }
                }
                case Dw.TAG_ARRAY_TYPE -> {
                    long et = u.reference(d, Dw.AT_TYPE);
                    TypeLayout element = et < 0 ? TypeLayout.scalar(null, 0) : type(et, depth + 1);
                    List<Long> counts = new ArrayList<>();
                    for (int j = i + 1; j < d.end; j = Math.max(j + 1, dies.get(j).end)) {
                        Die sub = dies.get(j);
                        if (sub.tag == Dw.TAG_SUBRANGE_TYPE && sub.parent == i) {
                            counts.add(subrangeCount(u, sub));
                        }
                    }
                    if (counts.isEmpty()) {
                        counts.add(0L);
                    }
                    t = element;
                    for (int k = counts.size() - 1; k >= 0; k--) {        // int a[2][16]: 2 arrays of 16
                        long n = counts.get(k);
                        t = new TypeLayout(TypeLayout.Kind.ARRAY, null, n * t.size(), List.of(), Optional.of(t), n);
                    }
                }
                case Dw.TAG_POINTER_TYPE -> t = TypeLayout.scalar(null, size > 0 ? size : u.addressSize);
                default -> t = TypeLayout.scalar(name, Math.max(size, 0));
            }
            resolved.put(dieOffset, t);
            return t;
        }

        /** Elements of one array dimension: DW_AT_count, or DW_AT_upper_bound + 1; 0 for a flexible/zero-length array. */
        private static long subrangeCount(Unit u, Die sub) {
            int c = sub.find(Dw.AT_COUNT);
            if (c >= 0 && isConstant(sub.forms[c])) {
                return Math.max(0, sub.values[c]);
            }
            int ub = sub.find(Dw.AT_UPPER_BOUND);
            if (ub < 0 || !isConstant(sub.forms[ub])) {
                return 0;
            }
            long v = sub.values[ub];
            long allOnes = switch (sub.forms[ub]) {
                case Dw.FORM_DATA1 -> 0xFFL;
                case Dw.FORM_DATA2 -> 0xFFFFL;
                case Dw.FORM_DATA4 -> 0xFFFF_FFFFL;
                default -> -1L;
            };
            return v == allOnes || v < 0 ? 0 : v + 1;
        }

        private static boolean isConstant(int form) {
            return switch (form) {
                case Dw.FORM_DATA1, Dw.FORM_DATA2, Dw.FORM_DATA4, Dw.FORM_DATA8, Dw.FORM_SDATA, Dw.FORM_UDATA, Dw.FORM_IMPLICIT_CONST -> true;
                default -> false;
            };
        }

        /** DW_AT_data_member_location: a constant (DWARF 4+) or a DW_OP_plus_uconst expression (DWARF 2/3); 0 in a union. */
        private static long memberOffset(Unit u, Die m) {
            int i = m.find(Dw.AT_DATA_MEMBER_LOCATION);
            if (i < 0) {
                return 0;
            }
            if (isConstant(m.forms[i])) {
                return m.values[i];
            }
            ByteView b = u.block(m, Dw.AT_DATA_MEMBER_LOCATION);
            if (b != null && b.length() > 0 && b.u8(0) == Dw.OP_PLUS_UCONST) {
                return b.cursor(1).uleb128();
            }
            throw new FormatException("member location at .debug_info 0x" + Long.toHexString(m.offset) + " is not a constant offset");
        }
    }
}
