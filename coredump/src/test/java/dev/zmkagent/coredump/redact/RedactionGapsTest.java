package dev.zmkagent.coredump.redact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.format.StoredDump;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where keys used to survive redaction: a reused settings name id, and a dump that cannot be read. */
class RedactionGapsTest {
    private static final int SECTOR = 4096;

    /**
     * An NVS sector as nvs.c writes it: data from the sector start upwards, 8-byte ATEs {id, offset, len, part, crc8}
     * from below the close ATE downwards, in write order. A delete is an entry of length 0.
     */
    private static final class NvsSector {
        final byte[] b = new byte[SECTOR];
        int data;
        int ate = SECTOR - 16;

        NvsSector() {
            Arrays.fill(b, (byte) 0xFF);
        }

        NvsSector write(int id, byte[] value) {
            System.arraycopy(value, 0, b, data, value.length);
            b[ate] = (byte) id;
            b[ate + 1] = (byte) (id >>> 8);
            b[ate + 2] = (byte) data;
            b[ate + 3] = (byte) (data >>> 8);
            b[ate + 4] = (byte) value.length;
            b[ate + 5] = (byte) (value.length >>> 8);
            b[ate + 6] = (byte) 0xFF;
            b[ate + 7] = (byte) SettingsStorage.crc8(b, ate, 7);
            data += (value.length + 3) & ~3;
            ate -= 8;
            return this;
        }

        NvsSector write(int id, String text) {
            return write(id, text.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        return KeyRedactionCrashLabTest.contains(hay, needle);
    }

    @Test
    void aKeyValueStaysSecretWhenItsNameIdIsReusedByAnOrdinarySetting() {
        byte[] ltk = new byte[16];
        for (int i = 0; i < 16; i++) {
            ltk[i] = (byte) (0xA0 + i);
        }
        byte[] profile = "profile-0-values".getBytes(StandardCharsets.US_ASCII);
        // bond A stored, then unpaired (name and value deleted); settings_nvs_save then gives the next new name the
        // lowest free name id, 0x8001 again; the old value copy stays in the sector until garbage collection.
        byte[] part = new NvsSector()
                .write(0x8000, new byte[] {1, (byte) 0x80})
                .write(0x8001, "bt/keys/c0ffee123456")
                .write(0xC001, ltk)
                .write(0x8001, new byte[0])
                .write(0xC001, new byte[0])
                .write(0x8001, "zmk/ble/profiles/0")
                .write(0xC001, profile).b;
        byte[] twoSectors = new byte[2 * SECTOR];
        Arrays.fill(twoSectors, (byte) 0xFF);
        System.arraycopy(part, 0, twoSectors, 0, SECTOR);
        assertTrue(contains(twoSectors, ltk));

        SettingsRedactor.Result r = SettingsRedactor.redact(twoSectors, 0xEC000, SECTOR, false);

        assertFalse(contains(r.partition(), ltk), "the old LTK copy under the reused id survived");
        assertFalse(contains(r.partition(), Arrays.copyOfRange(ltk, 0, 8)));
        assertFalse(contains(r.partition(), Arrays.copyOfRange(ltk, 8, 16)));
        assertTrue(contains(r.partition(), "zmk/ble/profiles/0".getBytes(StandardCharsets.US_ASCII)), "names are kept");
        assertTrue(r.redactions().stream().anyMatch(x -> x.what().contains("bt/keys/c0ffee123456") && x.what().contains("reused")),
                r.redactions().toString());
        assertEquals(2, r.redactions().size(), "both value copies under 0xC001: " + r.redactions());
    }

    @Test
    void aDumpThatCannotBeReadIsBlankedAfterItsHeaderNotShippedAsItIs() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-bonds");
        byte[] raw = s.partition().clone();
        raw[FlashHeader.STREAM_OFFSET] ^= 0x55;             // the 'ZE' stream's magic: the dump no longer reads
        raw[FlashHeader.STREAM_OFFSET + 1] ^= 0x55;
        StoredDump before = StoredDump.read(ByteView.of(raw));
        assertTrue(before.dump().isEmpty(), "the damaged stream must not read as a dump");
        List<byte[]> needles = KeyRedactionCrashLabTest.needles(s);
        assertTrue(needles.stream().anyMatch(n -> contains(raw, n)), "the damaged partition still holds the keys");

        DumpRedactor.Result r = DumpRedactor.redact(raw, KeyObjects.find(ElfFile.parse(ByteView.of(s.appElf()))));

        for (byte[] n : needles) {
            assertFalse(contains(r.partition(), n), "a key value survived in an unreadable dump");
        }
        assertArrayEquals(Arrays.copyOf(raw, FlashHeader.LENGTH), Arrays.copyOf(r.partition(), FlashHeader.LENGTH));
        assertEquals(before.headerState(), StoredDump.read(ByteView.of(r.partition())).headerState(), "judged as before, not as erased");
        assertEquals(1, r.redactions().size());
    }

    @Test
    void anErasedPartitionIsLeftAsItIs() {
        byte[] erased = new byte[SECTOR];
        Arrays.fill(erased, (byte) 0xFF);
        DumpRedactor.Result r = DumpRedactor.redact(erased,
                KeyObjects.find(ElfFile.parse(ByteView.of(CrashLab.scenario("nice_nano-bonds").appElf()))));
        assertArrayEquals(erased, r.partition());
        assertTrue(r.redactions().isEmpty());
    }
}
