package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Data objects and struct layouts from DWARF types, for builds whose ELF carries no table of offsets (Zephyr without
 * {@code CONFIG_DEBUG_THREAD_INFO}): where a struct's members lie, and which statically allocated variables hold
 * instances of a struct, also as array elements or members of other structs ({@code z_idle_threads[0]},
 * {@code k_sys_work_q.thread}).
 *
 * <p>Member paths are C expressions relative to the struct: {@code base.thread_state}, {@code cpus[0].current}.
 * Anonymous structs and unions are looked through, as C does ({@code base.prio} inside Zephyr's anonymous
 * union). A path the build does not have (a member left out by Kconfig) is simply absent.
 *
 * <p>The first query scans every compile unit once: each unit's DIE tree is decoded, what was asked for is taken
 * from it, and the tree is dropped, so memory stays bounded by the largest unit. Results are kept for later queries
 * on the same tag. Bad DWARF in one unit skips that unit and is reported by {@link #problems}.
 */
public final class DwarfObjects {
    /** A struct instance: the C expression that names it and its address. */
    public record Instance(String expression, long address) {
    }

    /** A struct's members, flattened: member path to {offset, size in bytes}. */
    public record Layout(String tag, long size, Map<String, long[]> members) {
        public OptionalLong offset(String path) {
            long[] m = members.get(path);
            return m == null ? OptionalLong.empty() : OptionalLong.of(m[0]);
        }

        public OptionalLong size(String path) {
            long[] m = members.get(path);
            return m == null ? OptionalLong.empty() : OptionalLong.of(m[1]);
        }

        public boolean has(String path) {
            return members.containsKey(path);
        }
    }

    static final int TAG_ARRAY = 0x01, TAG_MEMBER = 0x0d, TAG_STRUCTURE = 0x13, TAG_TYPEDEF = 0x16, TAG_UNION = 0x17,
            TAG_SUBRANGE = 0x21, TAG_CONST = 0x26, TAG_VARIABLE = 0x34, TAG_VOLATILE = 0x35, TAG_RESTRICT = 0x37,
            TAG_ATOMIC = 0x47;
    static final int AT_LOCATION = 0x02, AT_BYTE_SIZE = 0x0b, AT_UPPER_BOUND = 0x2f, AT_COUNT = 0x37,
            AT_DATA_MEMBER_LOCATION = 0x38, AT_TYPE = 0x49;
    private static final int OP_PLUS_UCONST = 0x23;
    /** How deep instances are looked for inside a variable's type, and members flattened. */
    private static final int MAX_DEPTH = 4;
    /** Array elements looked at per array (Zephyr's arrays of threads are one per CPU or a handful). */
    private static final int MAX_ELEMENTS = 64;
    private static final int MAX_MEMBERS = 4096;

    private final DwarfSections s;
    private final Map<String, List<Instance>> instances = new HashMap<>();
    private final Map<String, Optional<Layout>> layouts = new HashMap<>();
    private final Set<String> problems = new LinkedHashSet<>();

    private DwarfObjects(DwarfSections s) {
        this.s = s;
    }

    public static DwarfObjects of(ElfFile elf) {
        return new DwarfObjects(new DwarfSections(elf));
    }

    public boolean hasDwarf() {
        return s.info.length() > 0;
    }

    /** Units whose DWARF could not be read while answering, one line each. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Every instance of {@code struct tag} in a variable with a static address (globals, file-scope and
     * function-scope statics): the variable itself, elements of arrays of it, members of structs that contain it.
     * In the order the DWARF lists the variables; each address once.
     */
    public synchronized List<Instance> instancesOf(String tag) {
        List<Instance> known = instances.get(tag);
        if (known == null) {
            scan(tag);
            known = instances.get(tag);
        }
        return known;
    }

    /** The layout of the first complete definition of {@code struct tag} (or union), empty when DWARF has none. */
    public synchronized Optional<Layout> layout(String tag) {
        Optional<Layout> known = layouts.get(tag);
        if (known == null) {
            scan(tag);
            known = layouts.get(tag);
        }
        return known;
    }

    private void scan(String tag) {
        Map<Long, Instance> found = new LinkedHashMap<>();
        Layout layout = null;
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
            if (!u.isCompileUnit()) {
                continue;
            }
            try {
                List<Die> dies = u.dies();
                for (int i = 0; i < dies.size(); i++) {
                    Die d = dies.get(i);
                    if (layout == null && (d.tag == TAG_STRUCTURE || d.tag == TAG_UNION) && !d.has(Dw.AT_DECLARATION)
                            && tag.equals(u.string(d, Dw.AT_NAME))) {
                        layout = flatten(u, d, tag);
                    } else if (d.tag == TAG_VARIABLE && d.has(AT_LOCATION)) {
                        variable(u, d, tag, found);
                    }
                }
            } catch (FormatException | IllegalStateException | IndexOutOfBoundsException e) {
                problems.add("DWARF unit at 0x" + Long.toHexString(u.offset) + " skipped: " + e.getMessage());
            }
        }
        instances.put(tag, List.copyOf(found.values()));
        layouts.put(tag, Optional.ofNullable(layout));
    }

    private void variable(Unit u, Die d, String tag, Map<Long, Instance> found) {
        OptionalLong addr = DebugInfo.constantAddress(u, u.block(d, AT_LOCATION));
        if (addr.isEmpty()) {
            return;
        }
        Die named = d;
        long spec = u.reference(d, Dw.AT_SPECIFICATION);
        if (spec >= 0 && u.containsOffset(spec) && u.indexOf(spec) >= 0) {
            named = u.dies().get(u.indexOf(spec));
        }
        String name = u.string(d, Dw.AT_NAME);
        if (name == null) {
            name = u.string(named, Dw.AT_NAME);
        }
        Die type = typeOf(u, d.has(AT_TYPE) ? d : named);
        if (name == null || type == null) {
            return;
        }
        collect(u, type, tag, name, addr.getAsLong(), 0, found);
    }

    private void collect(Unit u, Die type, String tag, String expr, long addr, int depth, Map<Long, Instance> found) {
        Die t = strip(u, type);
        if (t == null || depth > MAX_DEPTH) {
            return;
        }
        if (t.tag == TAG_STRUCTURE && tag.equals(u.string(t, Dw.AT_NAME))) {
            found.putIfAbsent(addr, new Instance(expr, addr));
            return;
        }
        if (t.tag == TAG_ARRAY) {
            Die element = typeOf(u, t);
            long count = count(u, t);
            long size = element == null ? -1 : byteSize(u, element);
            if (size <= 0 || count <= 0) {
                return;
            }
            for (long i = 0; i < Math.min(count, MAX_ELEMENTS); i++) {
                collect(u, element, tag, expr + "[" + i + "]", addr + i * size, depth + 1, found);
            }
            return;
        }
        if (t.tag == TAG_STRUCTURE || t.tag == TAG_UNION) {
            for (Die m : children(u, t)) {
                if (m.tag != TAG_MEMBER) {
                    continue;
                }
                OptionalLong at = memberOffset(u, m);
                Die mt = typeOf(u, m);
                if (at.isEmpty() || mt == null) {
                    continue;
                }
                String name = u.string(m, Dw.AT_NAME);
                collect(u, mt, tag, name == null ? expr : expr + "." + name, addr + at.getAsLong(), depth + 1, found);
            }
        }
    }

    private Layout flatten(Unit u, Die struct, String tag) {
        Map<String, long[]> members = new LinkedHashMap<>();
        addMembers(u, struct, "", 0, 0, members);
        return new Layout(tag, byteSize(u, struct), Map.copyOf(members));
    }

    private void addMembers(Unit u, Die struct, String prefix, long base, int depth, Map<String, long[]> out) {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (Die m : children(u, struct)) {
            if (m.tag != TAG_MEMBER || out.size() >= MAX_MEMBERS) {
                continue;
            }
            OptionalLong at = memberOffset(u, m);
            Die mt = strip(u, typeOf(u, m));
            if (at.isEmpty() || mt == null) {
                continue;
            }
            long off = base + at.getAsLong();
            String name = u.string(m, Dw.AT_NAME);
            String path = name == null ? prefix : prefix + name;
            if (name != null) {
                out.putIfAbsent(path, new long[] {off, byteSize(u, mt)});
            }
            if (mt.tag == TAG_STRUCTURE || mt.tag == TAG_UNION) {
                addMembers(u, mt, name == null ? prefix : path + ".", off, depth + 1, out);
            } else if (mt.tag == TAG_ARRAY && name != null) {
                Die element = strip(u, typeOf(u, mt));
                if (element != null) {
                    out.putIfAbsent(path + "[0]", new long[] {off, byteSize(u, element)});
                    if (element.tag == TAG_STRUCTURE || element.tag == TAG_UNION) {
                        addMembers(u, element, path + "[0].", off, depth + 1, out);
                    }
                }
            }
        }
    }

    /** The DIE a DW_AT_type of {@code d} refers to, within the unit; null when absent or elsewhere. */
    private static Die typeOf(Unit u, Die d) {
        if (d == null) {
            return null;
        }
        long ref = u.reference(d, AT_TYPE);
        if (ref < 0 || !u.containsOffset(ref)) {
            return null;
        }
        int i = u.indexOf(ref);
        return i < 0 ? null : u.dies().get(i);
    }

    /** Through typedefs and qualifiers to the type itself. */
    private static Die strip(Unit u, Die t) {
        for (int hops = 0; t != null && hops < 16; hops++) {
            switch (t.tag) {
                case TAG_TYPEDEF, TAG_CONST, TAG_VOLATILE, TAG_RESTRICT, TAG_ATOMIC -> t = typeOf(u, t);
                default -> {
                    return t;
                }
            }
        }
        return null;
    }

    private static long byteSize(Unit u, Die t) {
        Die x = strip(u, t);
        if (x == null) {
            return -1;
        }
        if (x.has(AT_BYTE_SIZE)) {
            return u.constant(x, AT_BYTE_SIZE, -1);
        }
        if (x.tag == TAG_ARRAY) {
            Die element = typeOf(u, x);
            long n = count(u, x);
            long size = element == null ? -1 : byteSize(u, element);
            return n >= 0 && size >= 0 ? n * size : -1;
        }
        return -1;
    }

    /** Elements of an array type (all dimensions multiplied); -1 when unknown (a flexible array). */
    private static long count(Unit u, Die array) {
        long n = 1;
        boolean any = false;
        for (Die sub : children(u, array)) {
            if (sub.tag != TAG_SUBRANGE) {
                continue;
            }
            long c;
            if (sub.has(AT_COUNT)) {
                c = u.constant(sub, AT_COUNT, -1);
            } else if (sub.has(AT_UPPER_BOUND)) {
                long ub = u.constant(sub, AT_UPPER_BOUND, -2);
                c = ub < -1 || ub > 1 << 24 ? -1 : ub + 1;
            } else {
                c = -1;
            }
            if (c < 0) {
                return -1;
            }
            n *= c;
            any = true;
        }
        return any ? n : -1;
    }

    /** DW_AT_data_member_location: a constant, or (DWARF 2) an expression DW_OP_plus_uconst n; 0 for union members. */
    private static OptionalLong memberOffset(Unit u, Die m) {
        int i = m.find(AT_DATA_MEMBER_LOCATION);
        if (i < 0) {
            return OptionalLong.of(0);
        }
        ByteView expr = u.block(m, AT_DATA_MEMBER_LOCATION);
        if (expr == null) {
            return OptionalLong.of(m.values[i]);
        }
        ByteCursor c = expr.cursor(0);
        if (expr.length() > 1 && c.u8() == OP_PLUS_UCONST) {
            long v = c.uleb128();
            return c.hasRemaining() ? OptionalLong.empty() : OptionalLong.of(v);
        }
        return OptionalLong.empty();
    }

    private static List<Die> children(Unit u, Die parent) {
        List<Die> dies = u.dies();
        int index = u.indexOf(parent.offset);
        List<Die> out = new ArrayList<>();
        if (index < 0) {
            return out;
        }
        for (int i = index + 1; i < parent.end && i < dies.size(); i = Math.max(i + 1, dies.get(i).end)) {
            out.add(dies.get(i));
        }
        return out;
    }
}
