package dev.zmkagent.coredump.redact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.gdb.GdbClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Redaction on the crash lab's bond scenarios: key_pool / bt_dev in the dumped RAM and the NVS settings partition. */
class KeyRedactionCrashLabTest {
    private static final CrashLab.Scenario TYPED = CrashLab.scenario("nice_nano-bonds");
    private static final CrashLab.Scenario UNTYPED = CrashLab.scenario("xiao-bonds-no-types");

    static boolean contains(byte[] hay, byte[] needle) {
        return CrashLab.contains(hay, needle);
    }

    /** Every key value and every 8-byte half of a 16-byte one. */
    static List<byte[]> needles(CrashLab.Scenario s) {
        return s.keyNeedles();
    }

    private static KeyObjects keys(CrashLab.Scenario s) {
        return KeyObjects.find(ElfFile.parse(ByteView.of(s.appElf())));
    }

    @Test
    void typedPathFindsEveryKeyFieldOfBothBondsAndTheIdentityIrks() {
        KeyObjects k = keys(TYPED);
        assertTrue(k.typed());
        Set<String> what = k.targets().stream().map(KeyObjects.Target::what).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("bt_dev.irk", "key_pool[0].irk", "key_pool[0].ltk", "key_pool[0].periph_ltk",
                "key_pool[1].irk", "key_pool[1].ltk", "key_pool[1].periph_ltk")), what);
    }

    /** The ranges come from DWARF; gdb, reading the same ELF, must put each field at the same address with the same size. */
    @Test
    void fieldAddressesAndSizesAgreeWithGdb() throws Exception {
        assumeTrue(GdbClient.available(), "gdb-multiarch not installed");
        List<String> cmds = new ArrayList<>();
        List<KeyObjects.Target> targets = keys(TYPED).targets();
        for (KeyObjects.Target t : targets) {
            cmds.addAll(List.of("-ex", "print/x (unsigned int) &" + t.what(), "-ex", "print (unsigned int) sizeof(" + t.what() + ")"));
        }
        String out = gdb(TYPED, cmds);
        Matcher m = Pattern.compile("\\$\\d+ = (0x[0-9a-f]+|\\d+)").matcher(out);
        for (KeyObjects.Target t : targets) {
            assertTrue(m.find(), t.what() + " in gdb's output:\n" + out);
            assertEquals(Long.decode(m.group(1)), t.address(), t.what());
            assertTrue(m.find(), t.what() + " size in gdb's output:\n" + out);
            assertEquals(Long.decode(m.group(1)), t.size(), t.what());
        }
    }

    @Test
    void redactedDumpHoldsNoKeyAndReadsTheSame() {
        for (CrashLab.Scenario s : List.of(TYPED, UNTYPED)) {
            byte[] raw = s.partition();
            List<byte[]> needles = needles(s);
            long present = needles.stream().filter(n -> contains(raw, n)).count();
            assertTrue(present >= 12, s + ": the raw dump holds the loaded keys (" + present + ")");
            DumpRedactor.Result r = DumpRedactor.redact(raw, keys(s));
            for (byte[] n : needles) {
                assertFalse(contains(r.partition(), n), s + ": a key value survived redaction");
            }
            StoredDump a = StoredDump.read(ByteView.of(raw));
            StoredDump b = StoredDump.read(ByteView.of(r.partition()));
            assertEquals(a.headerState(), b.headerState());
            assertEquals(a.checksumOk(), b.checksumOk(), "checksum verdict kept (truncated LINKER_RAM dump: mismatch both times)");
            assertEquals(a.dump().get().reason(), b.dump().get().reason());
            assertEquals(a.dump().get().warnings(), b.dump().get().warnings());
            assertArrayEquals(a.dump().get().arch().get().registers(), b.dump().get().arch().get().registers());
            List<MemoryBlock> ma = a.dump().get().memory();
            List<MemoryBlock> mb = b.dump().get().memory();
            assertEquals(ma.size(), mb.size());
            long changed = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] != r.partition()[i]) {
                    changed++;
                }
            }
            long recorded = r.redactions().stream().mapToLong(Redaction::size).sum();
            assertTrue(changed <= recorded, s + ": " + changed + " bytes changed, " + recorded + " recorded");
            assertTrue(!r.redactions().isEmpty());
        }
    }

    /**
     * A memory block whose id byte is damaged (several bits, so not recovered): parsing stops there and the RAM after
     * it is read by nothing, so no type can locate its keys; it is erased, and the analysis reads the same.
     */
    @Test
    void streamBytesTheParserCouldNotReadAreErased() {
        byte[] raw = TYPED.partition().clone();
        StoredDump sound = StoredDump.read(ByteView.of(raw));
        MemoryBlock first = sound.dump().orElseThrow().memory().get(0);
        int blockAt = (int) first.data().origin() - 11;          // the 'M' block header: id, version, start, end
        assertEquals('M', raw[blockAt]);
        raw[blockAt] = 0x00;
        StoredDump damaged = StoredDump.read(ByteView.of(raw));
        assertTrue(damaged.dump().orElseThrow().memory().isEmpty(), "parsing stopped at the damaged id");
        assertEquals(blockAt - 16, damaged.dump().get().readLength());
        assertTrue(needles(TYPED).stream().filter(n -> contains(raw, n)).count() >= 12, "the unread RAM still holds the keys");

        DumpRedactor.Result r = DumpRedactor.redact(raw, keys(TYPED));
        for (byte[] n : needles(TYPED)) {
            assertFalse(contains(r.partition(), n), "a key value survived in the unread bytes");
        }
        Redaction unread = r.redactions().stream().filter(x -> x.what().startsWith("stream bytes not read as blocks")).findFirst().orElseThrow();
        assertEquals(blockAt, unread.address());
        for (int i = blockAt; i < raw.length; i++) {
            assertEquals((byte) 0xFF, r.partition()[i]);
        }
        assertArrayEquals(java.util.Arrays.copyOf(raw, blockAt), java.util.Arrays.copyOf(r.partition(), blockAt), "what was read is unchanged");
        StoredDump after = StoredDump.read(ByteView.of(r.partition()));
        assertArrayEquals(damaged.dump().get().arch().get().registers(), after.dump().get().arch().get().registers());
        assertEquals(damaged.dump().get().reason(), after.dump().get().reason());

        // a sound dump has nothing unread: nothing but the key fields changes
        DumpRedactor.Result clean = DumpRedactor.redact(TYPED.partition(), keys(TYPED));
        assertTrue(clean.redactions().stream().noneMatch(x -> x.what().startsWith("stream bytes")), clean.redactions().toString());
    }

    @Test
    void fallbackBlanksObjectsWhoseNameSaysKeyAndBtDevWhole() {
        KeyObjects k = keys(UNTYPED);
        assertFalse(k.typed());
        Map<String, KeyObjects.Target> byName = k.targets().stream().collect(Collectors.toMap(KeyObjects.Target::what, t -> t));
        ElfFile elf = ElfFile.parse(ByteView.of(UNTYPED.appElf()));
        for (String sym : List.of("key_pool", "bt_dev")) {
            assertEquals(elf.symbols().byName(sym).orElseThrow().size(), byName.get(sym).size(), sym + " whole");
        }
        assertFalse(byName.containsKey("zmk_keymap"), "keymap is not a key");
        assertTrue(k.notes().get(0).contains("no DWARF type for struct bt_keys"));
    }

    @Test
    void nameWordsSayKey() {
        assertTrue(KeyObjects.nameSaysKey("key_pool"));
        assertTrue(KeyObjects.nameSaysKey("bt_keys_storage"));
        assertTrue(KeyObjects.nameSaysKey("smp_irk"));
        assertFalse(KeyObjects.nameSaysKey("zmk_keymap"));
        assertFalse(KeyObjects.nameSaysKey("monkey"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void settingsPartitionReadsAsTheRecordsTheLabWrote() {
        Map<String, Object> st = TYPED.settings().orElseThrow();
        byte[] part = read(TYPED, "settings.bin");
        SettingsStorage s = SettingsStorage.read(ByteView.of(part), ((Number) st.get("sector_size")).intValue()).orElseThrow();
        assertEquals(SettingsStorage.Format.NVS, s.format());
        assertEquals(new TreeSet<>((List<String>) st.get("records")),
                s.settings().stream().map(SettingsStorage.Setting::name).collect(Collectors.toCollection(TreeSet::new)));
        String rePaired = (String) ((List<Map<String, Object>>) st.get("superseded_bonds")).get(0).get("name");
        assertEquals(2, s.settings().stream().filter(x -> x.name().equals(rePaired)).findFirst().orElseThrow().values().size(),
                "the re-paired bond's old value is still stored");
    }

    @Test
    void settingsRedactionBlanksKeyValuesKeepsNamesAndTheRest() {
        Map<String, Object> st = TYPED.settings().orElseThrow();
        byte[] part = read(TYPED, "settings.bin");
        long address = CrashLab.hex(st.get("address"));
        int sector = ((Number) st.get("sector_size")).intValue();
        SettingsRedactor.Result r = SettingsRedactor.redact(part, address, sector, false);
        for (byte[] n : needles(TYPED)) {
            assertTrue(contains(part, n) || n.length == 8);
            assertFalse(contains(r.partition(), n), "key value left in the settings partition");
        }
        SettingsStorage before = SettingsStorage.read(ByteView.of(part), sector).orElseThrow();
        SettingsStorage after = SettingsStorage.read(ByteView.of(r.partition()), sector).orElseThrow();
        assertEquals(before.entries().size(), after.entries().size());
        assertEquals(before.settings().stream().map(SettingsStorage.Setting::name).toList(),
                after.settings().stream().map(SettingsStorage.Setting::name).toList(), "names kept, still readable");
        for (SettingsStorage.Setting x : before.settings()) {
            for (SettingsStorage.Entry e : x.values()) {
                byte[] a = java.util.Arrays.copyOfRange(part, e.dataOffset(), e.dataOffset() + e.length());
                byte[] b = java.util.Arrays.copyOfRange(r.partition(), e.dataOffset(), e.dataOffset() + e.length());
                assertEquals(!SettingsRedactor.secret(x.name()), java.util.Arrays.equals(a, b), x.name());
            }
        }
        // bt/irk, two current bonds and the superseded copy: four values
        assertEquals(4, r.redactions().size(), r.redactions().toString());
        assertTrue(contains(r.partition(), "bt/keys/".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void wholePartitionFallbackErasesIt() {
        byte[] part = read(UNTYPED, "settings.bin");
        SettingsRedactor.Result r = SettingsRedactor.redact(part, 0xEC000, 4096, true);
        for (byte b : r.partition()) {
            assertEquals((byte) 0xFF, b);
        }
        assertEquals(1, r.redactions().size());
        assertEquals(part.length, r.redactions().get(0).size());
    }

    private static byte[] read(CrashLab.Scenario s, String f) {
        try {
            return java.nio.file.Files.readAllBytes(s.file(f));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String gdb(CrashLab.Scenario s, List<String> cmds) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("gdb-multiarch", "-nx", "-batch"));
        argv.addAll(cmds);
        argv.add(s.appElfPath().toString());
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
