package dev.zmkagent.agent.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Input recognition and partition finding on constructed flash images (the crash-lab tests use real ones). */
class InputAndLocatorTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();
    private static final byte[] STREAM = DumpBuilder.stream(2, 25)
            .archV2(0x50000000L, 1, 2, 3, 12, 0x26131, 0x26154, 0x01000000, 0x2000ff00L)
            .memory(0x2000fe00L, DumpBuilder.filled(0x200, 0xAA)).build();

    /** 1 MiB of flash: an application vector table at appStart and a dump at {@code partition}. */
    static byte[] flashWithDump(long appStart, long partition, byte[] partitionBytes) {
        byte[] flash = DumpBuilder.filled(0x100000, 0xFF);
        int a = (int) appStart;
        putWord(flash, a, 0x20040000L);
        putWord(flash, a + 4, appStart + 0x101);
        if (partitionBytes != null) {
            System.arraycopy(partitionBytes, 0, flash, (int) partition, partitionBytes.length);
        }
        return flash;
    }

    static void putWord(byte[] b, int o, long v) {
        for (int i = 0; i < 4; i++) {
            b[o + i] = (byte) (v >> (8 * i));
        }
    }

    private static CrashReport analyze(byte[] content, OptionalLong base) {
        DumpInput in = new InputReader(CATALOG).read("input", content, base);
        return new Analyzer(CATALOG).analyze(in, Optional.empty(), Optional.empty());
    }

    @Test
    void currentUf2OfANiceNanoZmkDebugIsFoundByLayout() {
        byte[] flash = flashWithDump(0x26000, 0x71000, DumpBuilder.partition(STREAM));
        byte[] uf2 = CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, 0x239A00B3L);
        DumpInput in = new InputReader(CATALOG).read("CURRENT.UF2", uf2, OptionalLong.empty());
        assertEquals(InputKind.CURRENT_UF2, in.kind());
        assertEquals("nice_nano", in.board().orElseThrow().id());
        assertTrue(in.description().contains("bootloader 0.6.1 or later"), in.description());
        CrashReport r = new Analyzer(CATALOG).analyze(in, Optional.empty(), Optional.empty());
        assertEquals(0x71000, r.partition().address().getAsLong());
        assertTrue(r.partition().how().startsWith("board layout nice_nano//zmk_debug"), r.partition().how());
        assertEquals(25, r.dump().orElseThrow().reasonCode());
        assertEquals("K_ERR_ARM_BUS_PRECISE_DATA_BUS", r.dump().get().reasonName());
        assertTrue(r.partition().checksumOk().orElseThrow());
    }

    @Test
    void oldBootloaderWindowAndZmkDebugExtraPartition() {
        byte[] flash = flashWithDump(0x26000, 0x99000, DumpBuilder.partition(STREAM));
        byte[] uf2 = CurrentUf2Renderer.render(flash, 0x1000, 0xAD000, 0x239A00B3L);
        DumpInput in = new InputReader(CATALOG).read("CURRENT.UF2", uf2, OptionalLong.empty());
        assertTrue(in.description().contains("bootloader 0.4.0 to 0.6.0"), in.description());
        CrashReport r = new Analyzer(CATALOG).analyze(in, Optional.empty(), Optional.empty());
        assertEquals(0x99000, r.partition().address().getAsLong());
        assertTrue(r.partition().how().contains("zmk_debug_extra"));
    }

    @Test
    void unknownPartitionAddressIsFoundByScanning() {
        byte[] flash = flashWithDump(0x27000, 0x85000, DumpBuilder.partition(STREAM));
        byte[] uf2 = CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, 0x28860044L);
        CrashReport r = analyze(uf2, OptionalLong.empty());
        assertEquals(0x85000, r.partition().address().getAsLong());
        assertTrue(r.partition().how().startsWith("scan of 4 KiB-aligned addresses"));
    }

    @Test
    void rawFlashFromUf2convStartsAt0x1000() {
        byte[] flash = flashWithDump(0x26000, 0x71000, DumpBuilder.partition(STREAM));
        byte[] bin = Arrays.copyOfRange(flash, 0x1000, 0xEA000);
        CrashReport r = analyze(bin, OptionalLong.empty());
        assertEquals("raw-flash", r.input().kind());
        assertEquals(0x1000, r.input().base().getAsLong());
        assertEquals(0x71000, r.partition().address().getAsLong());
        CrashReport full = analyze(flash, OptionalLong.empty());
        assertEquals(0, full.input().base().getAsLong(), "a full flash read starts at 0");
        assertEquals(0x71000, full.partition().address().getAsLong());
        CrashReport forced = analyze(bin, OptionalLong.of(0x1000));
        assertEquals(0x71000, forced.partition().address().getAsLong());
    }

    @Test
    void erasedPartitionsGiveAnExplanationNotACrash() {
        byte[] flash = flashWithDump(0x26000, 0, null);
        CrashReport r = analyze(CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, 0x239A00B3L), OptionalLong.empty());
        assertTrue(r.dump().isEmpty());
        assertTrue(r.diagnosis().stream().anyMatch(d -> d.contains("0x71000 (nice_nano//zmk_debug): erased")), r.diagnosis().toString());
    }

    @Test
    void interruptedDumpIsAnalyzedAndExplained() {
        byte[] p = DumpBuilder.partition(STREAM);
        Arrays.fill(p, 0, 16, (byte) 0xFF);
        byte[] flash = flashWithDump(0x26000, 0x71000, p);
        CrashReport r = analyze(CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, 0x239A00B3L), OptionalLong.empty());
        assertTrue(r.partition().interrupted());
        assertEquals(25, r.dump().orElseThrow().reasonCode());
        assertTrue(r.diagnosis().stream().anyMatch(d -> d.contains("header was never written")));
    }

    @Test
    void partitionImageStreamAndLogAreRecognised() {
        assertEquals("partition", analyze(DumpBuilder.partition(STREAM), OptionalLong.empty()).input().kind());
        assertEquals("ze-stream", analyze(STREAM, OptionalLong.empty()).input().kind());
        String log = "boot\n#CD:BEGIN#\n#CD:" + HexFormat.of().formatHex(STREAM) + "\n#CD:END#\n";
        CrashReport r = analyze(log.getBytes(StandardCharsets.US_ASCII), OptionalLong.empty());
        assertEquals("console-log", r.input().kind());
        assertEquals(25, r.dump().orElseThrow().reasonCode());
        byte[] erased = DumpBuilder.filled(0x10000, 0xFF);
        CrashReport none = analyze(erased, OptionalLong.empty());
        assertEquals("partition", none.input().kind());
        assertTrue(none.dump().isEmpty());
    }

    @Test
    void truncationIsExplainedWithTheFix() {
        byte[] ram = DumpBuilder.filled(70_000, 0x5A);
        byte[] stream = DumpBuilder.stream(2, 25).archV2(0, 0, 0, 0, 0, 0, 0x26154, 0x01000000, 0x20011000L).memory(0x20000000L, ram).build();
        byte[] p = DumpBuilder.partition(stream, 0x10000 - 16, 0x1234, 0, 0x10000);
        CrashReport r = analyze(p, OptionalLong.empty());
        assertTrue(r.dump().orElseThrow().truncated());
        assertTrue(r.diagnosis().stream().anyMatch(d -> d.contains("MEMORY_DUMP_THREADS")), r.diagnosis().toString());
        assertTrue(r.diagnosis().stream().anyMatch(d -> d.contains("0x20011000 is not in the dumped memory") && d.contains("truncation")), r.diagnosis().toString());
        assertTrue(r.memory().stream().anyMatch(m -> !m.present()), "the lost range is listed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonCarriesTheDocumentedFields() throws Exception {
        CrashReport r = analyze(DumpBuilder.partition(STREAM), OptionalLong.empty());
        String text = JsonReport.render(r);
        // Parse what is printed, not the map behind it: unknown values must be written as null, not left out.
        Map<String, Object> m = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(text);
        assertEquals("zmk-agent.report/1", m.get("schema"));
        assertEquals("partition", ((Map<?, ?>) m.get("input")).get("kind"));
        assertTrue(((Map<?, ?>) m.get("input")).containsKey("base"));
        assertEquals(null, ((Map<?, ?>) m.get("input")).get("base"));
        Map<?, ?> dump = (Map<?, ?>) m.get("dump");
        assertEquals(Boolean.TRUE, dump.get("checksum_ok"));
        assertEquals(Boolean.FALSE, dump.get("truncated"));
        assertEquals(null, dump.get("partition_address"));
        assertTrue(dump.containsKey("partition_address"));
        assertEquals(25, ((Number) ((Map<?, ?>) m.get("reason")).get("code")).intValue());
        Map<?, ?> regs = (Map<?, ?>) m.get("registers");
        assertEquals("0x50000000", regs.get("r0"));
        assertEquals("0x00026154", regs.get("pc"));
        assertTrue(regs.containsKey("r4"));
        assertEquals(null, regs.get("r4"), "uncollected registers are null, not zero");
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc", "xpsr"), List.copyOf(regs.keySet()));
        List<Map<String, Object>> frames = (List<Map<String, Object>>) m.get("frames");
        assertEquals("0x00026154", frames.get(0).get("pc"), "frame 0 is the faulting instruction");
        for (String key : List.of("index", "pc", "function", "file", "line", "inlined", "kind")) {
            assertTrue(frames.get(0).containsKey(key), key);
        }
        for (String key : List.of("memory", "firmware", "diagnosis", "warnings", "signature", "threads", "fault_status")) {
            assertTrue(m.containsKey(key), key);
        }
    }

    @Test
    void anAbsurdMemoryBlockIsCalledCorruptNotTruncatedByLinkerRam() {
        byte[] stream = DumpBuilder.stream(2, 25).archV2(0, 0, 0, 0, 0, 0, 0x26154, 0x01000000, 0x20001000L)
                .u8('M').u16(1).u32(0x20000000L).u32(0xFFFFFFFFL).bytes(new byte[16]).build();
        CrashReport r = analyze(stream, OptionalLong.empty());
        assertTrue(r.diagnosis().stream().anyMatch(d -> d.contains("its header is corrupt")), r.diagnosis().toString());
        assertFalse(r.diagnosis().stream().anyMatch(d -> d.contains("LINKER_RAM")), r.diagnosis().toString());
    }

    @Test
    void uf2BlocksThatDisagreeOnTheCountAreReported() {
        byte[] uf2 = CurrentUf2Renderer.render(DumpBuilder.filled(0x2000, 0xFF), 0x1000, 0x1200, 0x239A00B3L);
        uf2[512 + 24] = 3; // block 1 says the file has 3 blocks, block 0 says 2
        DumpInput in = new InputReader(CATALOG).read("x.uf2", uf2, OptionalLong.empty());
        assertTrue(in.notes().stream().anyMatch(n -> n.contains("disagree on the file's block count [2, 3]")), in.notes().toString());
    }

    @Test
    void randomBytesAreNotADump() {
        byte[] noise = new byte[100_000];
        new java.util.Random(42).nextBytes(noise);
        FormatException e = assertThrows(FormatException.class, () -> analyze(noise, OptionalLong.empty()));
        assertTrue(e.getMessage().contains("is not a dump") && e.getMessage().contains("--base"), e.getMessage());
    }

    @Test
    void anElfGivenAsTheDumpIsExplained() {
        byte[] elf = {0x7F, 'E', 'L', 'F', 1, 1, 1, 0};
        FormatException e = assertThrows(FormatException.class, () -> analyze(elf, OptionalLong.empty()));
        assertTrue(e.getMessage().contains("is an ELF file, not a dump: give it with --elf"), e.getMessage());
    }

    @Test
    void tinyJunkIsNotADump() {
        FormatException e = assertThrows(FormatException.class, () -> analyze("hello".getBytes(StandardCharsets.US_ASCII), OptionalLong.empty()));
        assertTrue(e.getMessage().startsWith("input is not a dump"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"));
    }
}
