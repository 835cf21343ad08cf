package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.memory.AddressRange;
import java.util.List;

/**
 * One decoded debugging information entry. Attribute values are kept raw (see {@link Unit#readValue}); the unit
 * resolves strings, addresses and references on access. {@code end} is the index one past the DIE's last
 * descendant in the unit's DIE list, so children are found by hopping from {@code index + 1} over {@code end}s.
 */
final class Die {
    final long offset;
    final int tag;
    final int parent;
    int end;
    final int[] names;
    final int[] forms;
    final long[] values;
    /** {@link Unit#ranges} of this DIE once read: the scope and call-site lookups ask for the same DIEs again and again. */
    List<AddressRange> ranges;

    Die(long offset, int tag, int parent, int[] names, int[] forms, long[] values) {
        this.offset = offset;
        this.tag = tag;
        this.parent = parent;
        this.names = names;
        this.forms = forms;
        this.values = values;
    }

    int find(int name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) {
                return i;
            }
        }
        return -1;
    }

    boolean has(int name) {
        return find(name) >= 0;
    }
}
