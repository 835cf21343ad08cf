package dev.zmkagent.coredump.redact;

import dev.zmkagent.coredump.bytes.ByteView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Zephyr's settings partition as stored entries, every copy of every id (older values of a record stay in flash until
 * garbage collection, and they are as secret as the newest). Formats, from Zephyr 4.1's sources:
 * <ul>
 * <li><b>NVS</b> (subsys/fs/nvs/nvs.c, nvs_priv.h): per sector, 8-byte allocation table entries {@code {u16 id, u16
 * offset, u16 len, u8 part, u8 crc8}} written downwards from the sector's end (the last slot is the close ATE),
 * {@code crc8 = crc8_ccitt(0xff, ate, 7)} (nvs_ate_crc8_check); valid when the crc matches and {@code offset + len <
 * sector_size - 8} (nvs_ate_valid); data at {@code offset} in the same sector. With CONFIG_NVS_DATA_CRC a CRC-32 of the
 * data is its last 4 bytes (nvs_flash_data_wrt). settings_nvs.c stores a setting's name as entry N (0x8001 ≤ N
 * &lt; 0xC000, counted at NVS_NAMECNT_ID 0x8000) and its value as entry N + NVS_NAME_ID_OFFSET (0x4000).</li>
 * <li><b>ZMS</b> (subsys/fs/zms/zms_priv.h, zms.c): 16-byte entries {@code {u8 crc8, u8 cycle_cnt, u32 id, u16 len,
 * data[8] | {u32 offset, u32 data_crc}}}, {@code crc8} over the 15 bytes after it; values of up to 8 bytes live in the
 * entry itself. settings_zms.c: name ids have bits 31..30 = 10, the value is at name id + 0x40000000
 * (ZMS_DATA_ID_OFFSET; also the 4.1 "legacy" numbering, ZMS_NAME_ID_OFFSET).</li>
 * </ul>
 * A setting's name is recognised by content (printable text in an entry of the name range), so both ZMS numberings
 * read the same way. Nothing here writes; {@link SettingsRedactor} does.
 */
public final class SettingsStorage {
    public enum Format { NVS, ZMS }

    /** One stored entry: its id, where its ATE is and where its data is (offsets in the partition). */
    public record Entry(long id, int ateOffset, int dataOffset, int length, boolean dataInAte) {
    }

    /**
     * A setting: its name and every stored copy of its value, newest first is not guaranteed. {@code sharedWith}: the
     * other names stored under the same name id. settings_nvs.c (settings_nvs_save) gives a new name the lowest free
     * name id, so after a record is deleted its id is reused; the value copies under that id can be of any of them,
     * and which is which cannot be told.
     */
    public record Setting(String name, List<Entry> values, List<String> sharedWith) {
    }

    private final Format format;
    private final int sectorSize;
    private final List<Entry> entries;
    /** Name id to every distinct name stored under it (more than one when the id was reused). */
    private final Map<Long, List<String>> names;

    private SettingsStorage(Format format, int sectorSize, List<Entry> entries, Map<Long, List<String>> names) {
        this.format = format;
        this.sectorSize = sectorSize;
        this.entries = entries;
        this.names = names;
    }

    public Format format() {
        return format;
    }

    public int sectorSize() {
        return sectorSize;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Reads the partition as NVS or ZMS with the given sector size (the flash page: 4 KiB on nRF52); empty if neither has a valid entry. */
    public static Optional<SettingsStorage> read(ByteView part, int sectorSize) {
        if (sectorSize <= 32 || part.length() < sectorSize || part.length() % sectorSize != 0) {
            return Optional.empty();
        }
        List<Entry> nvs = nvsEntries(part, sectorSize);
        List<Entry> zms = zmsEntries(part, sectorSize);
        if (nvs.isEmpty() && zms.isEmpty()) {
            return Optional.empty();
        }
        boolean isNvs = nvs.size() >= zms.size();
        List<Entry> e = isNvs ? nvs : zms;
        return Optional.of(new SettingsStorage(isNvs ? Format.NVS : Format.ZMS, sectorSize, e, names(part, e, isNvs)));
    }

    /** The settings whose names were found, each with every stored copy of the values under its name id. */
    public List<Setting> settings() {
        List<Setting> out = new ArrayList<>();
        for (Map.Entry<Long, List<String>> n : names.entrySet()) {
            long valueId = n.getKey() + valueOffset();
            List<Entry> values = new ArrayList<>();
            for (Entry e : entries) {
                if (e.id() == valueId && e.length() > 0) {
                    values.add(e);
                }
            }
            for (String name : n.getValue()) {
                List<String> others = n.getValue().stream().filter(o -> !o.equals(name)).toList();
                out.add(new Setting(name, List.copyOf(values), others));
            }
        }
        return out;
    }

    /** Value entries (by the id range) whose name entry is not in the partition: what they are cannot be told. */
    public List<Entry> unnamedValues() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (isValueId(e.id()) && e.length() > 0 && !names.containsKey(e.id() - valueOffset())) {
                out.add(e);
            }
        }
        return out;
    }

    private long valueOffset() {
        return format == Format.NVS ? 0x4000L : 0x4000_0000L;
    }

    private boolean isValueId(long id) {
        return format == Format.NVS ? id > 0xC000L && id < 0xFFFFL : (id & 0xC000_0000L) == 0xC000_0000L && id != 0xFFFF_FFFFL;
    }

    private static boolean isNameId(long id, boolean nvs) {
        return nvs ? id > 0x8000L && id < 0xC000L : (id & 0xC000_0000L) == 0x8000_0000L && id != 0x8000_0000L;
    }

    private static Map<Long, List<String>> names(ByteView part, List<Entry> entries, boolean nvs) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (!isNameId(e.id(), nvs) || e.length() == 0 || e.length() > 255) {
                continue;
            }
            byte[] b = part.slice(e.dataOffset(), e.length()).toArray();
            int n = b.length;
            // with a data CRC (NVS_DATA_CRC, ZMS), the last 4 bytes of an NVS name entry are the CRC
            String name = null;
            if (looksLikeName(b, n)) {
                name = new String(b, 0, n, StandardCharsets.US_ASCII);
            } else if (n > 4 && looksLikeName(b, n - 4)) {
                name = new String(b, 0, n - 4, StandardCharsets.US_ASCII);
            }
            if (name != null) {
                List<String> known = out.computeIfAbsent(e.id(), k -> new ArrayList<>());
                if (!known.contains(name)) {
                    known.add(name);
                }
            }
        }
        return out;
    }

    private static boolean looksLikeName(byte[] b, int n) {
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[i] < 0x21 || b[i] > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static List<Entry> nvsEntries(ByteView part, int sectorSize) {
        List<Entry> out = new ArrayList<>();
        for (int base = 0; base + sectorSize <= part.length(); base += sectorSize) {
            // the close ATE (last slot) and the entries below it, down to the first erased slot
            for (int at = sectorSize - 8; at >= 0; at -= 8) {
                int a = base + at;
                if (erased(part, a, 8)) {
                    if (at == sectorSize - 8) {
                        continue;                       // sector not closed yet
                    }
                    break;
                }
                int id = part.u16(a);
                int offset = part.u16(a + 2);
                int len = part.u16(a + 4);
                if (crc8(part, a, 7) != part.u8(a + 7) || offset + len >= sectorSize - 8) {
                    continue;
                }
                if (id != 0xFFFF) {
                    out.add(new Entry(id, a, base + offset, len, false));
                }
            }
        }
        return out;
    }

    private static List<Entry> zmsEntries(ByteView part, int sectorSize) {
        List<Entry> out = new ArrayList<>();
        for (int base = 0; base + sectorSize <= part.length(); base += sectorSize) {
            for (int at = sectorSize - 16; at >= 0; at -= 16) {
                int a = base + at;
                if (erased(part, a, 16)) {
                    if (at >= sectorSize - 48) {
                        continue;                       // empty / close / gc-done slots not written
                    }
                    break;
                }
                if (crc8(part, a + 1, 15) != part.u8(a)) {
                    continue;
                }
                long id = part.u32(a + 2);
                int len = part.u16(a + 6);
                if (id == 0xFFFF_FFFFL) {
                    continue;                           // empty, close and gc-done ATEs
                }
                if (len <= 8) {
                    out.add(new Entry(id, a, a + 8, len, true));
                } else {
                    long offset = part.u32(a + 8);
                    if (offset + len <= sectorSize) {
                        out.add(new Entry(id, a, base + (int) offset, len, false));
                    }
                }
            }
        }
        return out;
    }

    static boolean erased(ByteView v, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (v.u8(at + i) != 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Zephyr lib/crc crc8_ccitt(): polynomial 0x07, MSB first, initial value 0xff here, no final xor. */
    static int crc8(ByteView v, int at, int n) {
        return crc8(v.slice(at, n).toArray(), 0, n);
    }

    static int crc8(byte[] b, int at, int n) {
        int c = 0xFF;
        for (int i = 0; i < n; i++) {
            c ^= b[at + i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x80) != 0 ? ((c << 1) ^ 0x07) & 0xFF : (c << 1) & 0xFF;
            }
        }
        return c;
    }
}
