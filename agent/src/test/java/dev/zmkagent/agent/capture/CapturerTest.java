package dev.zmkagent.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.agent.testkit.Keyboard;
import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture from folder-backed bootloader drives: what is read, what is stored, what is never stored. */
class CapturerTest {
    @TempDir
    Path tmp;
    CaptureStore store;
    FirmwareRegistry registry;

    @BeforeEach
    void setUp() {
        store = new CaptureStore(tmp.resolve("data/captures"));
        registry = new FirmwareRegistry(tmp.resolve("data/firmware"));
    }

    private Capturer capturer(boolean full) {
        return new Capturer(BoardCatalog.builtin(), store, registry, full);
    }

    private BootloaderDrive drive(Keyboard kb, String name) throws IOException {
        return BootloaderDrive.probe(kb.writeDrive(tmp.resolve("media").resolve(name))).orElseThrow();
    }

    private void register(int seed) throws IOException {
        Path elf = tmp.resolve("zmk-" + seed + ".elf");
        Files.write(elf, Keyboard.firmwareElf(seed));
        registry.add(List.of(elf));
    }

    @Test
    void crashIsReportedFromAFewBlocksThenStoredWholeWithItsRegisteredElf() throws IOException {
        register(1);
        register(2);
        Keyboard kb = new Keyboard().flashFirmware(2).crash(Keyboard.dumpStream(Keyboard.APP + 0x254, 0xAA));
        AtomicLong firstReportBytes = new AtomicLong(-1);
        CaptureOutcome o = capturer(true).capture(drive(kb, "NICENANO"), new CaptureListener() {
            @Override
            public void firstReport(BootloaderDrive d, CrashReport r, long bytesRead, long fileSize) {
                firstReportBytes.set(bytesRead);
                assertEquals("zmk_keymap_apply_position_state", CrashSignatures.crashingFunction(r).orElseThrow());
            }
        });
        assertEquals(CaptureOutcome.Status.STORED, o.status());
        assertTrue(o.bytesBeforeReport() * 10 <= o.currentUf2Size(), o.bytesBeforeReport() + " of " + o.currentUf2Size());
        assertEquals(o.bytesBeforeReport(), firstReportBytes.get());
        StoredCapture c = o.capture().orElseThrow();
        assertEquals("nice_nano", c.board());
        assertEquals("zmk_keymap_apply_position_state", c.function().orElseThrow());
        assertTrue(c.id().contains("_nice_nano_" + c.signature()), c.id());
        assertEquals(Keyboard.firmwareElf(2).length, Files.size(Path.of((String) c.firmware().orElseThrow().get("elf"))));
        assertTrue(((String) c.firmware().orElseThrow().get("match")).startsWith("all "), c.firmware().toString());
        for (String f : List.of("partition.bin", "CURRENT.UF2", "INFO_UF2.TXT", "report.txt", "report.json", "report.md", "capture.json")) {
            assertTrue(Files.isRegularFile(c.file(f)), f);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.file(f))), f);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.dir())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.dir().resolveSibling(".lock"))), "the store's lock file");
        assertEquals(0x10000, Files.size(c.file("partition.bin")));
        assertTrue(Files.readString(c.file("report.md")).contains("zmk_keymap_apply_position_state"));
        assertTrue(Files.readString(c.file("report.txt")).contains("0x71000"), Files.readString(c.file("report.txt")));
    }

    @Test
    void theSameDumpSeenAgainIsNotStoredTwice() throws IOException {
        Keyboard kb = new Keyboard().flashFirmware(1).crash(Keyboard.dumpStream(Keyboard.APP + 0x254, 0xAA));
        CaptureOutcome first = capturer(true).capture(drive(kb, "NICENANO"), CaptureListener.NONE);
        CaptureOutcome again = capturer(true).capture(drive(kb, "NICENANO"), CaptureListener.NONE);
        assertEquals(CaptureOutcome.Status.STORED, first.status());
        assertEquals(CaptureOutcome.Status.ALREADY_CAPTURED, again.status());
        assertEquals(first.capture().orElseThrow().id(), again.capture().orElseThrow().id());
        assertEquals(1, store.list().size());
        kb.crash(Keyboard.dumpStream(Keyboard.APP + 0x254, 0xBB));
        assertEquals(CaptureOutcome.Status.STORED, capturer(true).capture(drive(kb, "NICENANO"), CaptureListener.NONE).status());
        assertEquals(2, store.list().size());
    }

    @Test
    void noDumpIsKnownAfterAHandfulOfBlocks() throws IOException {
        Keyboard kb = new Keyboard().flashFirmware(1);
        CaptureOutcome o = capturer(true).capture(drive(kb, "NICENANO"), CaptureListener.NONE);
        assertEquals(CaptureOutcome.Status.NO_DUMP, o.status());
        // Block 0 and one block per known partition header: the erased zmk_debug partition is the answer.
        assertEquals(512L * 3, o.bytesBeforeReport());
        assertTrue(o.looked().get(0).contains("erased"), o.looked().toString());
        assertTrue(store.list().isEmpty());
    }

    @Test
    void aPartitionNoLayoutKnowsIsFoundByScanningPageBoundaries() throws IOException {
        Keyboard kb = new Keyboard().flashFirmware(1);
        // A custom layout: the code reaches over 0x71000 and 0x99000, the partition sits at 0xC0000.
        java.util.Arrays.fill(kb.flash, 0x71000, 0xA9000, (byte) 0x42);
        byte[] p = DumpBuilder.partition(Keyboard.dumpStream(Keyboard.APP + 0x254, 0xAA));
        System.arraycopy(p, 0, kb.flash, 0xC0000, p.length);
        CaptureOutcome o = capturer(false).capture(drive(kb, "NICENANO"), CaptureListener.NONE);
        assertEquals(CaptureOutcome.Status.STORED, o.status());
        assertEquals("0xc0000", o.capture().orElseThrow().section("partition").orElseThrow().get("address"));
        assertFalse(Files.exists(o.capture().orElseThrow().file("CURRENT.UF2")), "--region-only copies no CURRENT.UF2");
        assertTrue(o.bytesBeforeReport() * 10 <= o.currentUf2Size());
    }

    @Test
    void withoutARegisteredBuildTheReportSaysHowToAddOne() throws IOException {
        Keyboard kb = new Keyboard().flashFirmware(1).crash(Keyboard.dumpStream(Keyboard.APP + 0x254, 0xAA));
        StoredCapture c = capturer(true).capture(drive(kb, "NICENANO"), CaptureListener.NONE).capture().orElseThrow();
        assertTrue(c.firmware().isEmpty());
        assertTrue(Files.readString(c.file("report.txt")).contains("zmk-agent firmware add"));
        assertEquals("0x00026254", c.function().orElseThrow());
    }

    @Test
    void aDriveThatVanishesDuringTheCopyLeavesNothingBehind() throws IOException {
        Keyboard kb = new Keyboard().flashFirmware(1).crash(Keyboard.dumpStream(Keyboard.APP + 0x254, 0xAA));
        BootloaderDrive d = drive(kb, "NICENANO");
        assertThrows(java.io.UncheckedIOException.class, () -> capturer(true).capture(d, new CaptureListener() {
            @Override
            public void copyProgress(long done, long total) {
                if (done > total / 2) {
                    throw new java.io.UncheckedIOException(new IOException("Transport endpoint is not connected"));
                }
            }
        }));
        assertTrue(store.list().isEmpty());
        if (Files.exists(store.dir())) {
            try (Stream<Path> s = Files.list(store.dir())) {
                assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).toList());
            }
        }
        assertEquals(CaptureOutcome.Status.STORED, capturer(true).capture(d, CaptureListener.NONE).status());
    }
}
