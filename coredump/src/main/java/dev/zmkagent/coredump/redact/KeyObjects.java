package dev.zmkagent.coredump.redact;

import dev.zmkagent.coredump.dwarf.StaticVariables;
import dev.zmkagent.coredump.dwarf.TypeLayout;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where an ELF's RAM holds Bluetooth key material, as address ranges with names.
 *
 * <p><b>Typed</b> (the DWARF has a complete {@code struct bt_keys}): every object, array element and nested member of
 * the key types of Zephyr's host, {@code struct bt_ltk}, {@code bt_irk} and {@code bt_csrk} (subsys/bluetooth/host/
 * keys.h: the ltk, periph_ltk, irk, local_csrk and remote_csrk of each {@code struct bt_keys} in {@code key_pool},
 * whatever fields that Zephyr version has), plus named members that hold keys in other structs: {@code bt_dev.irk}
 * (the identity IRKs, hci_core.h), {@code bt_keys_link_key.val} (BR/EDR), the pairing secrets of {@code struct bt_smp}
 * and the session key of the open-source controller's {@code struct ccm} (where the ELF names them). Nothing is at a
 * hard-coded offset: each range comes from the ELF's own types.
 *
 * <p><b>Fallback</b> (no such type: a build without DWARF for the host): every RAM object (ELF symbol with a size)
 * whose name says key ({@code key}, {@code keys}, {@code irk}, {@code ltk}, {@code csrk} as a word of the name, e.g.
 * {@code key_pool}, but not {@code keymap}), and {@code bt_dev}, whole. {@link #typed} says which path was taken.
 */
public final class KeyObjects {
    /** A range of RAM holding key material: a path like {@code key_pool[0].ltk} and the type that made it one. */
    public record Target(String what, long address, long size, String why) {
    }

    private static final Set<String> KEY_STRUCTS = Set.of("bt_ltk", "bt_irk", "bt_csrk");
    /** struct name to the members of it that hold keys (only these members, not the whole struct). */
    private static final Map<String, Set<String>> KEY_MEMBERS = Map.of(
            "bt_dev", Set.of("irk"),
            "bt_keys_link_key", Set.of("val"),
            "bt_smp", Set.of("tk", "dhkey", "mackey"),
            "ccm", Set.of("key"));
    private static final Set<String> KEY_WORDS = Set.of("key", "keys", "irk", "irks", "ltk", "csrk", "linkkey", "privkey");
    private static final Set<String> KNOWN_HOLDERS = Set.of("bt_dev");
    private static final int MAX_ELEMENTS = 1 << 16;

    private final boolean typed;
    private final List<Target> targets;
    private final List<String> notes;

    private KeyObjects(boolean typed, List<Target> targets, List<String> notes) {
        this.typed = typed;
        this.targets = targets;
        this.notes = notes;
    }

    public boolean typed() {
        return typed;
    }

    public List<Target> targets() {
        return targets;
    }

    /** What could not be checked, one sentence each. */
    public List<String> notes() {
        return notes;
    }

    public static KeyObjects find(ElfFile elf) {
        StaticVariables vars = StaticVariables.of(elf);
        if (vars.struct("bt_keys").isPresent()) {
            return typed(vars);
        }
        List<String> notes = new ArrayList<>();
        notes.add("The ELF has no DWARF type for struct bt_keys, so key fields could not be located: every RAM object whose name says key"
                + " (" + String.join(", ", KEY_WORDS) + " as a word of the name) and " + String.join(", ", KNOWN_HOLDERS)
                + " were blanked whole, and so is the whole settings partition.");
        return new KeyObjects(false, byName(elf), notes);
    }

    private static KeyObjects typed(StaticVariables vars) {
        List<Target> out = new ArrayList<>();
        Map<TypeLayout, Boolean> holds = new IdentityHashMap<>();   // types are shared instances; deep equals would be slow
        for (StaticVariables.Variable v : vars.all()) {
            walk(v.type(), v.name(), v.address(), out, holds);
        }
        List<String> notes = new ArrayList<>();
        notes.add("Found from the ELF's DWARF types (struct bt_keys present): " + out.size() + " key field(s) in RAM objects.");
        notes.add("Not checked: copies of keys outside those objects (thread stacks, heap, HCI/ACL buffers, CPU registers), and the RAM of a"
                + " binary controller without DWARF (SoftDevice).");
        return new KeyObjects(true, List.copyOf(out), notes);
    }

    private static void walk(TypeLayout t, String path, long address, List<Target> out, Map<TypeLayout, Boolean> holds) {
        if (!holdsKeys(t, holds)) {
            return;
        }
        if (isKeyStruct(t)) {
            out.add(new Target(path, address, t.size(), "struct " + t.name()));
            return;
        }
        switch (t.kind()) {
            case STRUCT, UNION -> {
                Set<String> keyMembers = t.name() == null ? Set.of() : KEY_MEMBERS.getOrDefault(t.name(), Set.of());
                for (TypeLayout.Member m : t.members()) {
                    String p = path + "." + (m.name() == null ? "<anonymous>" : m.name());
                    if (m.name() != null && keyMembers.contains(m.name())) {
                        out.add(new Target(p, address + m.offset(), m.type().size(), "struct " + t.name() + " member " + m.name()));
                    } else {
                        walk(m.type(), p, address + m.offset(), out, holds);
                    }
                }
            }
            case ARRAY -> {
                TypeLayout e = t.element().orElseThrow();
                long n = Math.min(t.count(), MAX_ELEMENTS);
                for (long i = 0; i < n; i++) {
                    walk(e, path + "[" + i + "]", address + i * e.size(), out, holds);
                }
            }
            default -> { }
        }
    }

    private static boolean isKeyStruct(TypeLayout t) {
        return t.kind() == TypeLayout.Kind.STRUCT && t.name() != null && KEY_STRUCTS.contains(t.name());
    }

    /** Whether a type has key material anywhere inside (memoized: a pool of a thousand structs is checked once). */
    private static boolean holdsKeys(TypeLayout t, Map<TypeLayout, Boolean> memo) {
        Boolean known = memo.get(t);
        if (known != null) {
            return known;
        }
        boolean r = switch (t.kind()) {
            case STRUCT, UNION -> isKeyStruct(t)
                    || (t.name() != null && KEY_MEMBERS.containsKey(t.name()) && t.members().stream().anyMatch(m -> m.name() != null && KEY_MEMBERS.get(t.name()).contains(m.name())))
                    || t.members().stream().anyMatch(m -> holdsKeys(m.type(), memo));
            case ARRAY -> t.count() > 0 && holdsKeys(t.element().orElseThrow(), memo);
            default -> false;
        };
        memo.put(t, r);
        return r;
    }

    private static List<Target> byName(ElfFile elf) {
        List<Target> out = new ArrayList<>();
        for (ElfSymbol s : elf.symbols().all()) {
            if (!s.isObject() || s.size() <= 0 || elf.isCode(s.address())) {
                continue;
            }
            if (KNOWN_HOLDERS.contains(s.name()) || nameSaysKey(s.name())) {
                out.add(new Target(s.name(), s.address(), s.size(), KNOWN_HOLDERS.contains(s.name()) ? "holds the identity IRKs" : "name says key"));
            }
        }
        return List.copyOf(out);
    }

    static boolean nameSaysKey(String name) {
        for (String word : name.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (KEY_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
