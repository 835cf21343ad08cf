package dev.zmkagent.coredump.redact;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Blanks the values of Bluetooth key records in a settings partition (bytes of the partition, at {@code address}):
 * {@code bt/keys/...} (LTK, IRK, peripheral LTK, CSRKs of each bond: subsys/bluetooth/host/keys.c bt_keys_store),
 * {@code bt/irk} (the identity IRKs: host/settings.c), {@code bt/link_key/...} (BR/EDR) and the {@code bt/mesh} subtree,
 * every stored copy, and the values of any record whose name id was also used by such a record (a reused id: the copies
 * cannot be told apart). Names, entry headers and lengths stay, so the partition still reads as the same set of settings:
 * the allocation entries' crc8 (which does not cover the data in NVS) is recomputed for ZMS values held in the entry,
 * and a data CRC-32 that matched is recomputed over the pattern. Value entries whose name is gone are blanked too,
 * since what they hold cannot be told.
 *
 * <p>When the partition reads as neither NVS nor ZMS, or the caller asks for it (no types to trust), the whole
 * partition is erased (0xFF: what an empty settings partition reads as).
 */
public final class SettingsRedactor {
    /**
     * Record names that hold keys. Zephyr's host stores them through subsys/bluetooth/host/settings.c:
     * bt_settings_store_keys ("keys", per bond address: the bt_keys storage from keys.c bt_keys_store),
     * bt_settings_store_irk ("irk": the identity IRKs) and bt_settings_store_link_key ("link_key", per address:
     * keys_br.c bt_keys_link_key_store), each under the "bt/" subtree and with an id suffix for identities other than
     * the default; Bluetooth Mesh keeps its net, app and device keys under "bt/mesh/".
     */
    static final List<String> SECRET_PREFIXES = List.of("bt/keys", "bt/link_key/", "bt/irk", "bt/mesh/");
    private static final String AREA = "settings partition";

    private SettingsRedactor() {
    }

    public record Result(byte[] partition, List<Redaction> redactions, List<String> notes) {
    }

    public static boolean secret(String name) {
        return SECRET_PREFIXES.stream().anyMatch(name::startsWith);
    }

    public static Result redact(byte[] partition, long address, int sectorSize, boolean wholePartition) {
        if (wholePartition) {
            return erased(partition, address, "blanked whole, as the fallback requires");
        }
        Optional<SettingsStorage> read = SettingsStorage.read(ByteView.of(partition), sectorSize);
        if (read.isEmpty()) {
            boolean empty = SettingsStorage.erased(ByteView.of(partition), 0, partition.length);
            if (empty) {
                return new Result(partition.clone(), List.of(), List.of(String.format(
                        "The settings partition 0x%x-0x%x is erased: no records.", address, address + partition.length)));
            }
            return erased(partition, address, "it reads as neither NVS nor ZMS with " + sectorSize + "-byte sectors, so its records could not be told apart");
        }
        SettingsStorage s = read.get();
        byte[] out = partition.clone();
        List<Redaction> done = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<SettingsStorage.Setting> settings = s.settings();
        List<SettingsStorage.Setting> blanked = new ArrayList<>();
        for (SettingsStorage.Setting st : settings) {
            if (!secret(st.name()) && st.sharedWith().stream().noneMatch(SettingsRedactor::secret)) {
                kept.add(st.name());
                continue;
            }
            if (blanked.stream().anyMatch(b -> b.values().equals(st.values()))) {
                continue;       // the same copies, already blanked under another name of the id
            }
            blanked.add(st);
            String what = st.sharedWith().isEmpty() ? st.name()
                    : st.name() + " / " + String.join(" / ", st.sharedWith()) + " (one name id, reused: whose copy is which cannot be told)";
            int copy = 0;
            for (SettingsStorage.Entry e : st.values()) {
                blank(out, e, s.format());
                done.add(new Redaction(AREA, what + " value" + (st.values().size() > 1 ? " (stored copy " + (++copy) + " of " + st.values().size() + ")" : ""),
                        address + e.dataOffset(), e.length()));
            }
        }
        for (SettingsStorage.Entry e : s.unnamedValues()) {
            blank(out, e, s.format());
            done.add(new Redaction(AREA, String.format("value of id 0x%x (its name record is gone)", e.id()), address + e.dataOffset(), e.length()));
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format("The settings partition 0x%x-0x%x reads as %s (%d-byte sectors, %d entries); names kept. Records kept as they are: %s.",
                address, address + partition.length, s.format(), s.sectorSize(), s.entries().size(), kept.isEmpty() ? "none" : String.join(", ", kept)));
        return new Result(out, List.copyOf(done), notes);
    }

    private static Result erased(byte[] partition, long address, String why) {
        byte[] out = new byte[partition.length];
        Arrays.fill(out, (byte) 0xFF);
        return new Result(out, List.of(new Redaction(AREA, "whole partition (erased to 0xFF)", address, partition.length)),
                List.of(String.format("The settings partition 0x%x-0x%x was %s.", address, address + partition.length, why)));
    }

    private static void blank(byte[] out, SettingsStorage.Entry e, SettingsStorage.Format format) {
        int n = e.length();
        boolean crc = n > 4 && !e.dataInAte() && format == SettingsStorage.Format.NVS && crcMatches(out, e.dataOffset(), n - 4);
        boolean zmsCrc = format == SettingsStorage.Format.ZMS && !e.dataInAte() && crcValue(out, e.dataOffset(), n) == u32(out, e.ateOffset() + 12);
        int data = crc ? n - 4 : n;
        Redaction.fill(out, e.dataOffset(), data);
        if (crc) {
            putU32(out, e.dataOffset() + data, crcValue(out, e.dataOffset(), data));
        }
        if (zmsCrc) {
            putU32(out, e.ateOffset() + 12, crcValue(out, e.dataOffset(), n));
            out[e.ateOffset()] = (byte) SettingsStorage.crc8(out, e.ateOffset() + 1, 15);
        }
        if (e.dataInAte()) {
            out[e.ateOffset()] = (byte) SettingsStorage.crc8(out, e.ateOffset() + 1, 15);
        }
    }

    private static boolean crcMatches(byte[] b, int at, int n) {
        return crcValue(b, at, n) == u32(b, at + n);
    }

    private static long crcValue(byte[] b, int at, int n) {
        CRC32 c = new CRC32();
        c.update(b, at, n);
        return c.getValue();
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static void putU32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
