package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.elf.ElfFile;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Data objects and struct layouts as C expressions, for builds whose ELF carries no table of offsets (Zephyr without
 * {@code CONFIG_DEBUG_THREAD_INFO}): where a struct's members lie, and which statically allocated variables hold
 * instances of a struct, also as array elements or members of other structs ({@code z_idle_threads[0]},
 * {@code k_sys_work_q.thread}). A query over {@link StaticVariables}, which reads the DWARF.
 *
 * <p>Member paths are C expressions relative to the struct: {@code base.thread_state}, {@code cpus[0].current}.
 * Anonymous structs and unions are looked through, as C does ({@code base.prio} inside Zephyr's anonymous
 * union). A path the build does not have (a member left out by Kconfig) is simply absent.
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

    /** How deep instances are looked for inside a variable's type, and members flattened. */
    private static final int MAX_DEPTH = 4;
    /** Array elements looked at per array (Zephyr's arrays of threads are one per CPU or a handful). */
    private static final int MAX_ELEMENTS = 64;
    private static final int MAX_MEMBERS = 4096;

    private final StaticVariables variables;
    private final Map<String, List<Instance>> instances = new HashMap<>();

    private DwarfObjects(StaticVariables variables) {
        this.variables = variables;
    }

    public static DwarfObjects of(ElfFile elf) {
        return new DwarfObjects(StaticVariables.of(elf));
    }

    public boolean hasDwarf() {
        return variables.hasDwarf();
    }

    /** What of the DWARF could not be read, one line each. */
    public List<String> problems() {
        return variables.problems();
    }

    /**
     * Every instance of {@code struct tag} in a variable with a static address (globals, file-scope and
     * function-scope statics): the variable itself, elements of arrays of it, members of structs that contain it.
     * In the order the DWARF lists the variables; each address once.
     */
    public synchronized List<Instance> instancesOf(String tag) {
        return instances.computeIfAbsent(tag, t -> {
            Map<Long, Instance> found = new LinkedHashMap<>();
            for (StaticVariables.Variable v : variables.all()) {
                collect(v.type(), t, v.name(), v.address(), 0, found);
            }
            return List.copyOf(found.values());
        });
    }

    /** The layout of the first complete definition of {@code struct tag}, empty when DWARF has none. */
    public Optional<Layout> layout(String tag) {
        return variables.struct(tag).map(struct -> {
            Map<String, long[]> members = new LinkedHashMap<>();
            addMembers(struct, "", 0, 0, members);
            return new Layout(tag, struct.size(), Map.copyOf(members));
        });
    }

    private static void collect(TypeLayout t, String tag, String expr, long addr, int depth, Map<Long, Instance> found) {
        if (depth > MAX_DEPTH) {
            return;
        }
        switch (t.kind()) {
            case STRUCT, UNION -> {
                if (t.isStruct(tag)) {
                    found.putIfAbsent(addr, new Instance(expr, addr));
                    return;
                }
                for (TypeLayout.Member m : t.members()) {
                    collect(m.type(), tag, m.name() == null ? expr : expr + "." + m.name(), addr + m.offset(), depth + 1, found);
                }
            }
            case ARRAY -> {
                TypeLayout element = t.element().orElseThrow();
                if (element.size() <= 0) {
                    return;
                }
                for (long i = 0; i < Math.min(t.count(), MAX_ELEMENTS); i++) {
                    collect(element, tag, expr + "[" + i + "]", addr + i * element.size(), depth + 1, found);
                }
            }
            case SCALAR -> {
            }
        }
    }

    private static void addMembers(TypeLayout struct, String prefix, long base, int depth, Map<String, long[]> out) {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (TypeLayout.Member m : struct.members()) {
            if (out.size() >= MAX_MEMBERS) {
                return;
            }
            long off = base + m.offset();
            TypeLayout mt = m.type();
            String path = m.name() == null ? prefix : prefix + m.name();
            if (m.name() != null) {
                out.putIfAbsent(path, new long[] {off, mt.size()});
            }
            if (mt.kind() == TypeLayout.Kind.STRUCT || mt.kind() == TypeLayout.Kind.UNION) {
                addMembers(mt, m.name() == null ? prefix : path + ".", off, depth + 1, out);
            } else if (mt.kind() == TypeLayout.Kind.ARRAY && m.name() != null) {
                TypeLayout element = mt.element().orElseThrow();
                out.putIfAbsent(path + "[0]", new long[] {off, element.size()});
                if (element.kind() == TypeLayout.Kind.STRUCT || element.kind() == TypeLayout.Kind.UNION) {
                    addMembers(element, path + "[0].", off, depth + 1, out);
                }
            }
        }
    }
}
