package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.elf.ElfFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the data side of the DWARF says about a build: named struct layouts (size and member names) and the variables
 * whose type is, or is an array of, a named struct. Build options leave their mark here — a member that exists only
 * with a Kconfig option, the struct type of every thread stack object — which is what an ELF-only look at a Zephyr
 * build needs. A query over {@link StaticVariables}, which reads the DWARF.
 */
public final class DataTypes {
    /** A struct's size and its member names in declaration order ("" for an anonymous member). */
    public record StructLayout(String name, long byteSize, List<String> members) {
        public boolean hasMember(String member) {
            return members.contains(member);
        }
    }

    /** A variable with a static address whose type is struct {@code structName} or an array of it. */
    public record StructVariable(String name, long address, String structName, boolean array) {
    }

    private final StaticVariables variables;

    private DataTypes(StaticVariables variables) {
        this.variables = variables;
    }

    public static DataTypes of(ElfFile elf) {
        return new DataTypes(StaticVariables.of(elf));
    }

    /** True when the ELF has .debug_info at all (without it, nothing here can be known). */
    public boolean hasDwarf() {
        return variables.hasDwarf();
    }

    /** The first complete definition of {@code struct name}. */
    public Optional<StructLayout> struct(String name) {
        return variables.struct(name).map(t -> new StructLayout(name, t.size(),
                t.members().stream().map(m -> m.name() == null ? "" : m.name()).toList()));
    }

    /** Variables with a static address of type struct {@code structName}, arrays of it (of any dimension) included. */
    public List<StructVariable> variablesOf(String structName) {
        List<StructVariable> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (StaticVariables.Variable v : variables.all()) {
            TypeLayout t = v.type();
            boolean array = false;
            while (t.kind() == TypeLayout.Kind.ARRAY) {
                array = true;
                t = t.element().orElseThrow();
            }
            if (t.isStruct(structName) && seen.add(v.address())) {
                out.add(new StructVariable(v.name(), v.address(), structName, array));
            }
        }
        return out;
    }
}
