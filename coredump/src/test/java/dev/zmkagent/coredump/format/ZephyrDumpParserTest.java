package dev.zmkagent.coredump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ZephyrDumpParserTest {
    private static ZephyrDump parse(byte[] b) {
        return ZephyrDumpParser.parse(ByteView.of(b));
    }

    @Test
    void readsVersion2HeaderArchBlockAndMemory() {
        byte[] ram = DumpBuilder.filled(64, 0xAA);
        ZephyrDump d = parse(DumpBuilder.stream(2, 25)
                .archV2(1, 2, 3, 4, 12, 0x2b11, 0x26154, 0x01000000, 0x2000ff00)
                .memory(0x20000000L, ram).build());
        assertEquals(2, d.headerVersion());
        assertEquals(25, d.reason());
        ArchBlock a = d.arch().orElseThrow();
        assertEquals(2, a.version());
        assertEquals(1, a.r(0));
        assertEquals(12, a.r(ArchBlock.R12));
        assertEquals(0x2b11, a.lr());
        assertEquals(0x26154, a.pc());
        assertEquals(0x01000000, a.xpsr());
        assertEquals(0x2000ff00L, a.sp());
        assertFalse(a.calleeSavedKnown(), "all-zero r4-r11 means they were not collected");
        assertFalse(a.known(4));
        assertEquals(1, d.memory().size());
        assertEquals(0x20000000L, d.memory().get(0).start());
        assertEquals(0x20000040L, d.memory().get(0).end());
        assertFalse(d.truncated());
        assertTrue(d.warnings().isEmpty(), d.warnings().toString());
    }

    @Test
    void calleeSavedRegistersAreKnownWhenCollected() {
        ZephyrDump d = parse(DumpBuilder.stream(2, 0).archV2(0, 0, 0, 0, 0, 0, 0x100, 0, 0x20000000, 4, 5, 6, 7, 8, 9, 10, 11).build());
        ArchBlock a = d.arch().orElseThrow();
        assertTrue(a.calleeSavedKnown());
        assertEquals(7, a.r(7));
        assertEquals(11, a.r(11));
    }

    @Test
    void readsVersion1HeaderAndArchV1() {
        ZephyrDump d = parse(DumpBuilder.stream(1, 3).arch(1, 10, 11, 12, 13, 14, 15, 16, 17, 18).build());
        assertEquals(1, d.headerVersion());
        ArchBlock a = d.arch().orElseThrow();
        assertEquals(1, a.version());
        assertEquals(10, a.r(0));
        assertEquals(13, a.r(3));
        assertEquals(14, a.r(12));
        assertEquals(15, a.lr());
        assertEquals(16, a.pc());
        assertEquals(17, a.xpsr());
        assertEquals(18, a.sp());
        assertFalse(a.calleeSavedKnown());
    }

    @Test
    void archV3CarriesCalleeSavedValidityAndOffset() {
        long[] words = new long[19];
        words[6] = 0x1234;
        words[9] = 44;
        words[17] = 1;
        words[18] = 0x28;
        ZephyrDump d = parse(DumpBuilder.stream(2, 0).arch(3, words).build());
        ArchBlock a = d.arch().orElseThrow();
        assertEquals(3, a.version());
        assertTrue(a.calleeSavedKnown());
        assertEquals(0x28, a.calleeSavedOffset());
        assertEquals(44, a.r(4));
    }

    @Test
    void newerHeaderVersionIsReadWithAWarning() {
        ZephyrDump d = parse(DumpBuilder.stream(3, 0).archV2(0, 0, 0, 0, 0, 0, 0, 0, 0).build());
        assertTrue(d.arch().isPresent());
        assertTrue(d.warnings().get(0).contains("version 3 is newer"), d.warnings().toString());
    }

    @Test
    void otherTargetsAreRefusedClearly() {
        FormatException e = assertThrows(FormatException.class, () -> parse(DumpBuilder.header(1, 4, 5, 0, 0).build()));
        assertTrue(e.getMessage().contains("RISC-V (target code 4); only ARM Cortex-M (3) is supported yet"), e.getMessage());
        assertEquals(4, e.offset());
    }

    @Test
    void sixtyFourBitDumpsAreRefused() {
        FormatException e = assertThrows(FormatException.class, () -> parse(DumpBuilder.header(2, 3, 6, 0, 0).build()));
        assertTrue(e.getMessage().contains("only 32-bit"), e.getMessage());
    }

    @Test
    void cutOffHeaderIsAnError() {
        FormatException e = assertThrows(FormatException.class, () -> parse(new byte[] {'Z', 'E', 2, 0, 3}));
        assertTrue(e.getMessage().contains("cut off after 5 of 12 bytes"), e.getMessage());
    }

    @Test
    void notAStreamIsAnError() {
        assertThrows(FormatException.class, () -> parse(new byte[] {'C', 'D', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    }

    @Test
    void threadsMetadataBlockIsKept() {
        byte[] kernel = new byte[36];
        kernel[8] = 0x42;
        ZephyrDump d = parse(DumpBuilder.stream(2, 0).archV2(0, 0, 0, 0, 0, 0, 0, 0, 0).threads(kernel).build());
        assertTrue(d.threadsMetadata().isPresent());
        assertEquals(36, d.threadsMetadata().get().length);
        assertEquals(0x42, d.threadsMetadata().get()[8]);
        assertEquals(1, d.threadsMetadataVersion());
    }

    @Test
    void truncatedMemoryBlockKeepsWhatWasStored() {
        byte[] full = DumpBuilder.stream(2, 25).archV2(0, 0, 0, 0, 0, 0, 0, 0, 0).memory(0x20000000L, DumpBuilder.filled(1000, 7)).build();
        byte[] cut = Arrays.copyOf(full, full.length - 600);
        ZephyrDump d = parse(cut);
        assertTrue(d.truncated());
        MemoryBlock m = d.memory().get(0);
        assertTrue(m.truncated());
        assertEquals(400, m.data().length());
        assertEquals(0x20000000L + 400, m.storedEnd());
        assertEquals(0x20000000L + 1000, m.end());
        assertTrue(d.warnings().get(0).contains("cut off after 400 of 1000 bytes"), d.warnings().toString());
    }

    @Test
    void truncatedArchBlockIsReportedNotThrown() {
        byte[] full = DumpBuilder.stream(2, 0).archV2(0, 0, 0, 0, 0, 0, 0, 0, 0).build();
        ZephyrDump d = parse(Arrays.copyOf(full, 30));
        assertTrue(d.truncated());
        assertTrue(d.arch().isEmpty());
    }

    @Test
    void unknownBlockEndsParsingWithAWarning() {
        ZephyrDump d = parse(DumpBuilder.stream(2, 0).archV2(0, 0, 0, 0, 0, 0, 0, 0, 0).u8('Q').u16(1).u32(0).build());
        assertTrue(d.arch().isPresent());
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("unknown block id 0x51 ('Q') at stream offset 85")), d.warnings().toString());
    }

    @Test
    void memoryBlockEndingBeforeItStartsStopsParsing() {
        ZephyrDump d = parse(DumpBuilder.stream(2, 0).u8('M').u16(1).u32(0x20000100).u32(0x20000000).build());
        assertTrue(d.memory().isEmpty());
        assertTrue(d.warnings().get(0).contains("ends (0x20000000) before it starts (0x20000100)"), d.warnings().toString());
    }

    @Test
    void hugeDeclaredMemoryBlockDoesNotAllocate() {
        // end - start = 4 GiB - 1: must be treated as truncation of the 10 stored bytes, not an allocation.
        ZephyrDump d = parse(DumpBuilder.stream(2, 0).u8('M').u16(1).u32(0).u32(0xFFFFFFFFL).bytes(new byte[10]).build());
        assertTrue(d.truncated());
        assertEquals(10, d.memory().get(0).data().length());
    }

    @Test
    void crcTrailerIsVerified() {
        byte[] good = DumpBuilder.header(2, 3, 5, ZephyrDump.FLAG_CRC, 4).archV2(1, 2, 3, 4, 5, 6, 7, 8, 9).crc().build();
        ZephyrDump ok = parse(good);
        assertEquals(Boolean.TRUE, ok.crcOk().orElseThrow());
        byte[] bad = good.clone();
        bad[20] ^= 1;
        ZephyrDump corrupt = parse(bad);
        assertEquals(Boolean.FALSE, corrupt.crcOk().orElseThrow());
        assertTrue(corrupt.warnings().stream().anyMatch(w -> w.contains("does not match")));
    }

    @Test
    void missingCrcTrailerIsWarnedWhenTheFlagPromisesOne() {
        ZephyrDump d = parse(DumpBuilder.header(2, 3, 5, ZephyrDump.FLAG_CRC, 4).archV2(1, 2, 3, 4, 5, 6, 7, 8, 9).build());
        assertTrue(d.crcOk().isEmpty());
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("CRC trailer follows")));
    }

    @Test
    void cpuSnapshotBlockIsSkipped() {
        ZephyrDump d = parse(DumpBuilder.stream(2, 0).archV2(0, 0, 0, 0, 0, 0, 0, 0, 0)
                .u8('F').u16(1).u16(4).u32(1).u32(0x20001000).u32(0xdead).memory(0x20000000, new byte[4]).build());
        assertEquals(1, d.memory().size(), "the block after the snapshot is still read");
        assertTrue(d.warnings().get(0).contains("CPU snapshot block for CPU 1 skipped"));
    }
}
