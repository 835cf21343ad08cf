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
 * and the session key of the open-source controller's {@code struct ccm} (where the ELF names them); any struct member
 * whose name says key and whose type is a 16- to 64-byte byte array (the controller's LTK and IRK copies in its
 * connection and resolving-list contexts); and, as in the fallback, every RAM object whose own name says key and
 * that holds no typed key field (the open-source controller's {@code peer_irks} in ull_filter.c is a plain byte
 * array). Nothing is at a hard-coded offset: each range comes from the ELF's own types.
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
    /** Key fields listed per variable before the variable is blanked whole instead (hostile DWARF: nested arrays). */
    private static final int MAX_TARGETS_PER_VARIABLE = 1 << 16;

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
            return typed(vars, elf);
        }
        List<String> notes = new ArrayList<>();
        notes.add("The ELF has no DWARF type for struct bt_keys, so key fields could not be located: every RAM object whose name says key"
                + " (" + String.join(", ", KEY_WORDS) + " as a word of the name) and " + String.join(", ", KNOWN_HOLDERS)
                + " were blanked whole, and so is the whole settings partition.");
        return new KeyObjects(false, byName(elf, true), notes);
    }

    private static KeyObjects typed(StaticVariables vars, ElfFile elf) {
        List<Target> out = new ArrayList<>();
        Map<TypeLayout, Boolean> holds = new IdentityHashMap<>();   // types are shared instances; deep equals would be slow
        for (StaticVariables.Variable v : vars.all()) {
            List<Target> mine = new ArrayList<>();
            if (!walk(v.type(), v.name(), v.address(), mine, holds)) {
                mine = List.of(new Target(v.name(), v.address(), v.type().size(), "more than " + MAX_TARGETS_PER_VARIABLE
                        + " key fields: blanked whole"));
            }
            out.addAll(mine);
        }
        int typedCount = out.size();
        for (Target named : byName(elf, false)) {
            boolean covered = out.subList(0, typedCount).stream()
                    .anyMatch(t -> t.address() < named.address() + named.size() && named.address() < t.address() + t.size());
            if (!covered) {
                out.add(named);
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add("Found from the ELF's DWARF types (struct bt_keys present): " + typedCount + " key field(s) in RAM objects, and "
                + (out.size() - typedCount) + " RAM object(s) whose name says key blanked whole.");
        notes.add("Not checked: copies of keys outside those objects (thread stacks, heap, HCI/ACL buffers, CPU registers), key fields"
                + " whose names do not say key, and the RAM of a binary controller without DWARF (SoftDevice).");
        return new KeyObjects(true, List.copyOf(out), notes);
    }

    /** Adds the key fields inside {@code t} at {@code address}; false when there are more than the budget allows. */
    private static boolean walk(TypeLayout t, String path, long address, List<Target> out, Map<TypeLayout, Boolean> holds) {
        if (out.size() > MAX_TARGETS_PER_VARIABLE) {
            return false;
        }
        if (!holdsKeys(t, holds)) {
            return true;
        }
        if (isKeyStruct(t)) {
            out.add(new Target(path, address, t.size(), "struct " + t.name()));
            return true;
        }
        switch (t.kind()) {
            case STRUCT, UNION -> {
                for (TypeLayout.Member m : t.members()) {
                    String p = path + "." + (m.name() == null ? "<anonymous>" : m.name());
                    if (isKeyMember(t, m)) {
                        out.add(new Target(p, address + m.offset(), m.type().size(), "struct " + t.name() + " member " + m.name()));
                    } else if (!walk(m.type(), p, address + m.offset(), out, holds)) {
                        return false;
                    }
                }
            }
            case ARRAY -> {
                TypeLayout e = t.element().orElseThrow();
                long n = Math.min(t.count(), MAX_ELEMENTS);
                for (long i = 0; i < n; i++) {
                    if (!walk(e, path + "[" + i + "]", address + i * e.size(), out, holds)) {
                        return false;
                    }
                }
            }
            default -> { }
        }
        return true;
    }

    /** A member listed for its struct in KEY_MEMBERS, or one whose name says key and that is a 16- to 64-byte byte array. */
    private static boolean isKeyMember(TypeLayout struct, TypeLayout.Member m) {
        if (m.name() == null) {
            return false;
        }
        if (struct.name() != null && KEY_MEMBERS.getOrDefault(struct.name(), Set.of()).contains(m.name())) {
            return true;
        }
        TypeLayout t = m.type();
        return nameSaysKey(m.name()) && t.kind() == TypeLayout.Kind.ARRAY && t.size() >= 16 && t.size() <= 64
                && t.element().map(e -> e.kind() == TypeLayout.Kind.SCALAR && e.size() == 1).orElse(false);
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
                    || t.members().stream().anyMatch(m -> isKeyMember(t, m))
                    || t.members().stream().anyMatch(m -> holdsKeys(m.type(), memo));
            case ARRAY -> t.count() > 0 && holdsKeys(t.element().orElseThrow(), memo);
            default -> false;
        };
        memo.put(t, r);
        return r;
    }

    /** RAM objects whose name says key; with {@code holders} also the known holders (bt_dev), whole (the no-types case). */
    private static List<Target> byName(ElfFile elf, boolean holders) {
        List<Target> out = new ArrayList<>();
        for (ElfSymbol s : elf.symbols().all()) {
            if (!s.isObject() || s.size() <= 0 || elf.isCode(s.address())) {
                continue;
            }
            if ((holders && KNOWN_HOLDERS.contains(s.name())) || nameSaysKey(s.name())) {
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
