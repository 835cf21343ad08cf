package dev.zmkagent.agent.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.analyze.AnalyzeRequest;
import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.agent.archive.Attachment;
import dev.zmkagent.agent.capture.BootloaderDrive;
import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.agent.triage.AttachmentAnalysis;
import dev.zmkagent.agent.triage.AttachmentAnalyzer;
import dev.zmkagent.agent.testkit.Keyboard;
import dev.zmkagent.agent.triage.DumpAnalysis;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.redact.KeyObjects;
import dev.zmkagent.coredump.redact.SettingsStorage;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.crashlab.CrashLabUf2;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import dev.zmkagent.device.uf2.FlashImage;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles of the crash lab's bond scenarios, captured from their bootloader drives as a user would: the unzipped
 * bundle holds no key value the lab loaded (searched in every file, in the UF2's flash too, every 8-byte half), reads
 * as the same crash as the raw dump, and REDACTED.txt names every item removed. The capture stays raw.
 */
class BundleCrashLabTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();
    private static final CrashLab.Scenario TYPED = CrashLab.scenario("nice_nano-bonds");
    private static final CrashLab.Scenario UNTYPED = CrashLab.scenario("xiao-bonds-no-types");

    @TempDir
    Path tmp;

    private FirmwareRegistry registry;
    private CaptureStore store;

    /** Captures the scenario from its drive (CURRENT.UF2 copied whole) with its ELF registered. */
    private StoredCapture capture(CrashLab.Scenario s) throws IOException {
        registry = new FirmwareRegistry(tmp.resolve("data/firmware"));
        store = new CaptureStore(tmp.resolve("data/captures"));
        registry.add(List.of(s.appElfPath()));
        Path drive = Files.createDirectories(tmp.resolve("media/" + s.name()));
        Files.write(drive.resolve("CURRENT.UF2"), CrashLabUf2.currentUf2(s));
        Files.copy(s.file("INFO_UF2.TXT"), drive.resolve("INFO_UF2.TXT"));
        CaptureOutcome o = new Capturer(CATALOG, store, registry, true).capture(BootloaderDrive.probe(drive).orElseThrow(), CaptureListener.NONE);
        StoredCapture c = o.capture().orElseThrow();
        assertTrue(Files.isRegularFile(c.file(CaptureStore.CURRENT_UF2)), "captured whole");
        return c;
    }

    private Bundler bundler() {
        return new Bundler(CATALOG, store, registry);
    }

    /** The zip written and unzipped into a folder: file name (without the capture folder) to bytes. */
    private Map<String, byte[]> unzip(Bundler.Bundle b, String name) throws IOException {
        Path zip = tmp.resolve(name + ".zip");
        b.writeZip(zip);
        Path dir = Files.createDirectories(tmp.resolve(name));
        Map<String, byte[]> out = new TreeMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : z.stream().toList()) {
                byte[] data = z.getInputStream(e).readAllBytes();
                Path f = dir.resolve(e.getName());
                Files.createDirectories(f.getParent());
                Files.write(f, data);
                out.put(e.getName().substring(e.getName().indexOf('/') + 1), data);
            }
        }
        return out;
    }

    /** Every key value of the scenario (from scenario.json) and every 8-byte half of the 16-byte ones. */
    static List<byte[]> needles(CrashLab.Scenario s) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] k : s.keyValues()) {
            out.add(k);
            if (k.length == 16) {
                out.add(Arrays.copyOfRange(k, 0, 8));
                out.add(Arrays.copyOfRange(k, 8, 16));
            }
        }
        assertTrue(out.size() >= 30, "the scenario names its keys: " + out.size());
        return out;
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The file's bytes and, for a UF2, its flash contents laid out contiguously (a key may straddle two blocks' payloads). */
    static List<byte[]> searchable(byte[] file) {
        List<byte[]> out = new ArrayList<>(List.of(file));
        if (Uf2File.looksLikeUf2(ByteView.of(file))) {
            for (FlashImage.Run r : Uf2File.parse(ByteView.of(file)).toFlashImage().runs()) {
                out.add(r.data());
            }
        }
        return out;
    }

    static long keysIn(byte[] file, List<byte[]> needles) {
        return needles.stream().filter(n -> searchable(file).stream().anyMatch(h -> contains(h, n))).count();
    }

    private static Map<String, String> digests(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), FirmwareRegistry.sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    @Test
    void twoBondBundleHoldsNoKeyReadsTheSameAndListsEveryItem() throws IOException {
        StoredCapture c = capture(TYPED);
        Map<String, String> before = digests(c.dir());
        List<byte[]> needles = needles(TYPED);
        assertTrue(keysIn(Files.readAllBytes(c.file(CaptureStore.PARTITION_FILE)), needles) >= 12, "the raw capture holds the loaded keys");

        Bundler.Bundle b = bundler().prepare(c, new Bundler.Options(true, true, Optional.empty()));
        Map<String, byte[]> files = unzip(b, "typed");
        assertEquals(List.of("CURRENT.UF2", "INFO_UF2.TXT", "REDACTED.txt", "firmware.txt", "partition.bin", "report.md", "zmk.elf"),
                List.copyOf(files.keySet()));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            assertEquals(0, keysIn(f.getValue(), needles), f.getKey() + " holds a key value");
        }
        assertArrayEquals(TYPED.appElf(), files.get("zmk.elf"), "the ELF itself (it holds no secrets)");
        for (String text : List.of("report.md", "REDACTED.txt", "firmware.txt")) {
            assertFalse(new String(files.get(text), StandardCharsets.UTF_8).contains(tmp.toString()), text + " names no path of this machine (the user's name)");
        }

        // The capture on disk is untouched, byte for byte, and still holds the keys (it is the user's).
        assertEquals(before, digests(c.dir()));
        assertArrayEquals(TYPED.partition(), Files.readAllBytes(c.file(CaptureStore.PARTITION_FILE)));
        assertArrayEquals(CrashLabUf2.currentUf2(TYPED), Files.readAllBytes(c.file(CaptureStore.CURRENT_UF2)));

        // REDACTED.txt: each key field the ELF's types name, in both files that hold the dump, with address and size.
        String record = new String(files.get("REDACTED.txt"), StandardCharsets.UTF_8);
        KeyObjects keys = KeyObjects.find(ElfFile.parse(ByteView.of(TYPED.appElf())));
        List<String> fields = keys.targets().stream().map(KeyObjects.Target::what).sorted().toList();
        List<String> expected = new ArrayList<>(List.of("bt_dev.irk"));
        for (int i = 0; i < ((List<?>) TYPED.settings().orElseThrow().get("bonds")).size(); i++) {
            expected.addAll(List.of("key_pool[" + i + "].irk", "key_pool[" + i + "].ltk", "key_pool[" + i + "].periph_ltk"));
        }
        assertEquals(expected, fields, "one ltk, irk and periph_ltk per bond of scenario.json, and the identity IRKs");
        for (KeyObjects.Target t : keys.targets()) {
            for (String file : List.of("partition.bin", "CURRENT.UF2 (coredump partition at 0x71000)")) {
                String line = String.format("%-44s | %-20s | %-60s | 0x%08x | %d bytes", file, "coredump RAM", t.what(), t.address(), t.size());
                assertTrue(record.contains(line), "REDACTED.txt lists " + line + ":\n" + record);
            }
        }
        assertTrue(record.contains("located: from the ELF's DWARF types"), record);
        assertTrue(record.contains("the settings partition 0xec000-0xf4000 is not in it"), record);
        assertTrue(record.contains("Could not be checked:\n- Not checked: copies of keys outside those objects"), record);
        long bytes = keys.targets().stream().mapToLong(KeyObjects.Target::size).sum() * 2;
        assertEquals(bytes, b.redacted().orElseThrow().bytesRemoved());
        assertTrue(record.contains("removed: " + 2 * keys.targets().size() + " item(s), " + bytes + " bytes"), record);

        // Without --full the zip lacks CURRENT.UF2, and so does its record.
        Bundler.Bundle small = bundler().prepare(c, new Bundler.Options(false, true, Optional.empty()));
        assertFalse(small.files().containsKey("CURRENT.UF2"));
        String smallRecord = new String(small.files().get("REDACTED.txt"), StandardCharsets.UTF_8);
        assertFalse(smallRecord.contains("CURRENT.UF2"), smallRecord);
        assertEquals(keys.targets().size(), small.redacted().orElseThrow().items().size());
        assertEquals(b.markdown(), small.markdown(), "the report is the same, made from the same redacted bytes");

        // The redacted bundle, analysed as an attachment (its own ELF paired by identity), reads as the raw dump does.
        CrashReport raw = new Analyzer(CATALOG).analyze(new AnalyzeRequest(TYPED.file("CURRENT.UF2"), Optional.of(TYPED.appElfPath()), OptionalLong.empty()));
        AttachmentAnalysis a;
        try (Attachment at = Attachment.open(tmp.resolve("typed"))) {
            a = new AttachmentAnalyzer(CATALOG).analyze(at, Optional.empty(), List.of(), Optional.empty());
        }
        assertEquals(1, a.dumps().size(), "partition.bin and CURRENT.UF2 hold the same redacted dump: " + a.dumps());
        DumpAnalysis d = a.dumps().get(0);
        assertTrue(d.elf().orElseThrow().endsWith("zmk.elf"), d.elfChoice());
        sameCrash(raw, d.report());
        assertTrue(raw.frames().size() >= 3 && !raw.threads().isEmpty(), "a real backtrace and threads were compared");
        String md = b.markdown();
        markdownIsSummaryFirstDetailsFolded(md, raw);
        assertEquals(md, new String(files.get("report.md"), StandardCharsets.UTF_8));
        assertTrue(new String(files.get("firmware.txt"), StandardCharsets.UTF_8).contains("ELF in this bundle: zmk.elf (SHA-256 "
                + FirmwareRegistry.sha256(TYPED.appElf()) + ")"));
    }

    /** report.md: board, reason, signature and frame 0 up front, no code block there; backtrace, threads, registers in <details>. */
    static void markdownIsSummaryFirstDetailsFolded(String md, CrashReport raw) {
        int fold = md.indexOf("<details>");
        assertTrue(fold > 0, md);
        String summary = md.substring(0, fold);
        String folded = md.substring(fold);
        assertTrue(summary.contains("| Board | " + raw.input().board().orElseThrow() + " |"), summary);
        assertTrue(summary.contains("| Reason | `" + raw.dump().orElseThrow().reasonName() + "`"), summary);
        assertTrue(summary.contains("| Signature | `" + raw.signature().orElseThrow() + "` |"), summary);
        CrashReport.Frame f0 = raw.frames().get(0);
        assertTrue(summary.matches("(?s).*\\| Frame 0 \\| `#0 .*" + java.util.regex.Pattern.quote(f0.function()) + " \\(.*"), summary);
        assertFalse(summary.contains("```"), "nothing long before the fold:\n" + summary);
        assertTrue(summary.indexOf("| Board |") < summary.indexOf("| Reason |") && summary.indexOf("| Reason |") < summary.indexOf("| Frame 0 |"));
        assertTrue(folded.startsWith("<details><summary>Backtrace (" + raw.frames().size() + " frames"), folded);
        for (CrashReport.Frame f : raw.frames()) {
            if (f.function() != null) {
                assertTrue(folded.contains(f.function()), f.function());
            }
        }
        String full = folded.substring(folded.indexOf("<details><summary>Threads (" + raw.threads().size() + ")"));
        for (CrashReport.ThreadInfo t : raw.threads()) {
            assertTrue(full.contains(String.format("%s (0x%08x)", t.name(), t.address())), t.name() + " in\n" + full);
        }
        assertTrue(full.contains("--- Registers") || full.contains("Registers"), full);
        assertTrue(full.contains(String.format("pc   0x%08x", raw.dump().get().registers().stream().filter(r -> r.name().equals("pc")).findFirst().orElseThrow().value())), full);
        assertTrue(md.endsWith("</details>\n\n_Generated by zmk-agent._\n"));
    }

    static void sameCrash(CrashReport raw, CrashReport redacted) {
        assertEquals(raw.signature(), redacted.signature());
        assertEquals(raw.dump().orElseThrow().reasonName(), redacted.dump().orElseThrow().reasonName());
        assertEquals(raw.dump().get().registers(), redacted.dump().get().registers());
        assertEquals(frames(raw.frames()), frames(redacted.frames()));
        assertEquals(raw.threads().size(), redacted.threads().size());
        for (int i = 0; i < raw.threads().size(); i++) {
            CrashReport.ThreadInfo x = raw.threads().get(i);
            CrashReport.ThreadInfo y = redacted.threads().get(i);
            assertEquals(List.of(x.address(), x.name(), x.current(), x.state(), x.entry(), x.stack(), x.usedBytes()),
                    List.of(y.address(), y.name(), y.current(), y.state(), y.entry(), y.stack(), y.usedBytes()));
            assertEquals(frames(x.frames()), frames(y.frames()), x.name());
        }
    }

    static List<String> frames(List<CrashReport.Frame> fs) {
        return fs.stream().map(f -> f.index() + " " + f.pc() + " " + f.function() + " " + f.file() + ":" + f.line() + " " + f.kind()).toList();
    }

    @Test
    void withoutTypesObjectsNamedKeyAreBlankedWholeAndTheRecordSaysSo() throws IOException {
        StoredCapture c = capture(UNTYPED);
        Bundler.Bundle b = bundler().prepare(c, new Bundler.Options(true, true, Optional.empty()));
        Map<String, byte[]> files = unzip(b, "untyped");
        List<byte[]> needles = needles(UNTYPED);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            assertEquals(0, keysIn(f.getValue(), needles), f.getKey() + " holds a key value");
        }
        String record = new String(files.get("REDACTED.txt"), StandardCharsets.UTF_8);
        assertTrue(record.contains("located: by object names (fallback: no DWARF type)"), record);
        assertTrue(record.contains("no DWARF type for struct bt_keys"), record);
        assertTrue(record.contains("and so is the whole settings partition"), record);
        ElfFile elf = ElfFile.parse(ByteView.of(UNTYPED.appElf()));
        for (String sym : List.of("key_pool", "bt_dev")) {
            var s = elf.symbols().byName(sym).orElseThrow();
            assertTrue(record.contains(String.format("%-44s | %-20s | %-60s | 0x%08x | %d bytes", "partition.bin", "coredump RAM", sym, s.address(), s.size())),
                    sym + " whole:\n" + record);
        }
        CrashReport raw = new Analyzer(CATALOG).analyze(new AnalyzeRequest(UNTYPED.file("CURRENT.UF2"), Optional.of(UNTYPED.appElfPath()), OptionalLong.empty()));
        AttachmentAnalysis a;
        try (Attachment at = Attachment.open(tmp.resolve("untyped"))) {
            a = new AttachmentAnalyzer(CATALOG).analyze(at, Optional.empty(), List.of(), Optional.empty());
        }
        sameCrash(raw, a.dumps().get(0).report());
    }

    /**
     * A flash image that reaches the settings partition (no bootloader's CURRENT.UF2 does today; a raw flash read
     * would): with types, the values of the bt/ key records go and their names stay; without, the partition is erased.
     */
    @Test
    void settingsPartitionInAFlashImageLosesItsKeyRecordValuesNotItsNames() throws IOException {
        for (CrashLab.Scenario s : List.of(TYPED, UNTYPED)) {
            Map<String, Object> st = s.settings().orElseThrow();
            long address = CrashLab.hex(st.get("address"));
            int size = (int) CrashLab.hex(st.get("size"));
            int sector = ((Number) st.get("sector_size")).intValue();
            byte[] wide = CurrentUf2Renderer.render(s.composeFlash(), 0x1000, address + size, CrashLab.hex(s.bootloader().get("family_id")));
            StoredCapture c = storeCapture(s, wide);
            List<byte[]> needles = needles(s);
            assertTrue(keysIn(wide, needles) == needles.size(), s + ": the wide image holds every key value, the superseded bond's too");

            Bundler.Bundle b = bundler().prepare(c, new Bundler.Options(true, true, Optional.of(s.appElfPath())));
            byte[] uf2 = b.files().get("CURRENT.UF2");
            assertEquals(0, keysIn(uf2, needles), s + ": a key value survived in the UF2");
            ByteView settings = Uf2File.parse(ByteView.of(uf2)).toFlashImage().view(address, size);
            String record = new String(b.files().get("REDACTED.txt"), StandardCharsets.UTF_8);
            if (s == TYPED) {
                SettingsStorage after = SettingsStorage.read(settings, sector).orElseThrow();
                @SuppressWarnings("unchecked")
                List<String> names = (List<String>) st.get("records");
                assertEquals(names.stream().sorted().toList(), after.settings().stream().map(SettingsStorage.Setting::name).distinct().sorted().toList(),
                        "every record name kept");
                for (String n : names.stream().filter(x -> x.startsWith("bt/keys/") || x.equals("bt/irk")).toList()) {
                    assertTrue(record.contains(String.format("%-44s | %-20s | %s value", "CURRENT.UF2", "settings partition", n)), n + ":\n" + record);
                }
                assertTrue(record.contains("(stored copy 2 of 2)"), "the superseded value is listed too:\n" + record);
            } else {
                for (int i = 0; i < size; i++) {
                    assertEquals(0xFF, settings.u8(i), "erased whole");
                }
                assertTrue(record.contains(String.format("%-44s | %-20s | %-60s | 0x%08x | %d bytes", "CURRENT.UF2", "settings partition",
                        "whole partition (erased to 0xFF)", address, size)), record);
            }
            // the rest of the flash is the device's
            FlashImage rawFlash = Uf2File.parse(ByteView.of(wide)).toFlashImage();
            FlashImage out = Uf2File.parse(ByteView.of(uf2)).toFlashImage();
            assertArrayEquals(rawFlash.view(0x1000, 0x70000).toArray(), out.view(0x1000, 0x70000).toArray());
        }
    }

    /**
     * A partition whose stream start is damaged ('ZE' magic gone) reads as no dump, yet still holds the RAM with the
     * keys: it cannot be redacted field by field, so everything after its header goes, in partition.bin and in
     * CURRENT.UF2's copy; the header stays, so the bundle's report judges it as the raw one (damaged, not erased).
     */
    @Test
    void aPartitionWithDataButNoReadableDumpKeepsOnlyItsHeader() throws IOException {
        byte[] damaged = TYPED.partition().clone();
        damaged[16] = 'X';
        byte[] flash = TYPED.composeFlash();
        System.arraycopy(damaged, 0, flash, 0x71000, damaged.length);
        byte[] uf2 = CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, CrashLab.hex(TYPED.bootloader().get("family_id")));
        StoredCapture c = storeCapture(TYPED, uf2, damaged);
        List<byte[]> needles = needles(TYPED);
        assertTrue(keysIn(damaged, needles) >= 12, "the damaged partition still holds the keys");
        Bundler.Bundle b = bundler().prepare(c, new Bundler.Options(true, true, Optional.of(TYPED.appElfPath())));
        for (Map.Entry<String, byte[]> f : b.files().entrySet()) {
            assertEquals(0, keysIn(f.getValue(), needles), f.getKey() + " holds a key value");
        }
        byte[] inZip = b.files().get("partition.bin");
        byte[] inUf2 = Uf2File.parse(ByteView.of(b.files().get("CURRENT.UF2"))).toFlashImage().view(0x71000, damaged.length).toArray();
        assertArrayEquals(inZip, inUf2);
        assertArrayEquals(Arrays.copyOf(damaged, 16), Arrays.copyOf(inZip, 16), "the 'CD' header is kept");
        assertEquals(StoredDump.read(ByteView.of(damaged)).headerState(), StoredDump.read(ByteView.of(inZip)).headerState());
        assertEquals("REDACTED", new String(inZip, 16, 8, StandardCharsets.US_ASCII));
        String record = new String(b.files().get("REDACTED.txt"), StandardCharsets.UTF_8);
        assertTrue(record.contains("everything after the 'CD' header"), record);
    }

    /** A capture stored as the capture command stores one, with the given CURRENT.UF2. */
    private StoredCapture storeCapture(CrashLab.Scenario s, byte[] uf2) throws IOException {
        return storeCapture(s, uf2, s.partition());
    }

    private StoredCapture storeCapture(CrashLab.Scenario s, byte[] uf2, byte[] partition) throws IOException {
        registry = new FirmwareRegistry(tmp.resolve("wide/firmware"));
        store = new CaptureStore(tmp.resolve("wide/captures-" + s.name()));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("captured_at", "2026-06-07T10:00:00Z");
        meta.put("board", s.meta().get("board"));
        meta.put("signature", "unused");
        meta.put("partition", Map.of("sha256", FirmwareRegistry.sha256(partition), "address", "0x71000", "size", partition.length));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CaptureStore.PARTITION_FILE, partition);
        files.put(CaptureStore.INFO_FILE, Files.readAllBytes(s.file("INFO_UF2.TXT")));
        files.put(CaptureStore.CURRENT_UF2, uf2);
        return store.save("2026-06-07_10-00-00Z_" + s.name(), FirmwareRegistry.sha256(partition), files, meta).capture();
    }

    @Test
    void noElfRefusesToRedactAndNoRedactKeepsTheRawBytes() throws IOException {
        StoredCapture c = capture(TYPED);
        // the build is no longer registered (its folder removed): the capture's metadata names an ELF that is gone
        dev.zmkagent.device.files.PrivateFiles.deleteTree(tmp.resolve("data/firmware"));
        Bundler noElf = new Bundler(CATALOG, store, new FirmwareRegistry(tmp.resolve("data/firmware")));
        FormatException e = assertThrows(FormatException.class, () -> noElf.prepare(c, new Bundler.Options(false, true, Optional.empty())));
        assertTrue(e.getMessage().contains("--elf FILE") && e.getMessage().contains("firmware add") && e.getMessage().contains("--no-redact"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Bundler.Bundle raw = noElf.prepare(c, new Bundler.Options(true, false, Optional.empty()));
        assertEquals(Optional.of(Bundler.NO_REDACT_WARNING), raw.warning());
        assertArrayEquals(TYPED.partition(), raw.files().get("partition.bin"));
        assertArrayEquals(Files.readAllBytes(c.file("CURRENT.UF2")), raw.files().get("CURRENT.UF2"));
        assertFalse(raw.files().containsKey("zmk.elf"), "no ELF was found");
        assertTrue(new String(raw.files().get("REDACTED.txt"), StandardCharsets.UTF_8).contains("nothing (bundled with --no-redact)"));
    }

    /** An ELF with neither a key type nor a key-named object (a build without the Bluetooth host, or one that hides it): said, not passed over. */
    @Test
    void anElfWithoutKeyObjectsIsSaidToBeUnchecked() throws IOException {
        registry = new FirmwareRegistry(tmp.resolve("kb/firmware"));
        store = new CaptureStore(tmp.resolve("kb/captures"));
        Path elf = Files.write(tmp.resolve("zmk.elf"), Keyboard.firmwareElf(3));
        registry.add(List.of(elf));
        Path drive = new Keyboard().flashFirmware(3).crash(Keyboard.dumpStream(Keyboard.APP + 0x210, 0xAA)).writeDrive(tmp.resolve("media/NICENANO"));
        StoredCapture c = new Capturer(CATALOG, store, registry, true).capture(BootloaderDrive.probe(drive).orElseThrow(), CaptureListener.NONE)
                .capture().orElseThrow();
        Bundler.Bundle b = bundler().prepare(c, new Bundler.Options(false, true, Optional.empty()));
        String record = new String(b.files().get("REDACTED.txt"), StandardCharsets.UTF_8);
        assertTrue(record.contains("removed: 0 item(s), 0 bytes"), record);
        assertTrue(record.contains("Could not be checked:\n- The ELF has no DWARF type for struct bt_keys"), record);
        assertTrue(record.contains("- The ELF names no object that holds keys and has no struct bt_keys type: either this build has no Bluetooth host,"),
                record);
        assertArrayEquals(Files.readAllBytes(c.file("partition.bin")), b.files().get("partition.bin"), "nothing to remove, nothing changed");
    }

    @Test
    void ciArtifactBuildIsNamedNotIncluded() throws IOException {
        StoredCapture c = capture(TYPED);
        Path artifact = tmp.resolve("nice_nano_v2-zmk_debug.zip");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(artifact))) {
            z.putNextEntry(new ZipEntry("nice_nano_v2-zmk.elf"));
            z.write(TYPED.appElf());
            z.closeEntry();
        }
        FirmwareRegistry ci = new FirmwareRegistry(tmp.resolve("ci-registry"));
        ci.add(List.of(artifact));
        Bundler.Bundle b = new Bundler(CATALOG, store, ci).prepare(c, new Bundler.Options(false, true, Optional.empty()));
        assertFalse(b.files().containsKey("zmk.elf"));
        String fw = new String(b.files().get("firmware.txt"), StandardCharsets.UTF_8);
        assertTrue(fw.contains("CI artifact: nice_nano_v2-zmk_debug.zip, file nice_nano_v2-zmk.elf (SHA-256 " + FirmwareRegistry.sha256(TYPED.appElf())), fw);
    }
}
