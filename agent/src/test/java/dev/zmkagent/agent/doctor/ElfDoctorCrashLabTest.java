package dev.zmkagent.agent.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.device.boards.BoardCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `doctor --elf` on crash-lab ELFs: the partition from the board catalog, the JSON the issue asks for, the summary. */
class ElfDoctorCrashLabTest {
    private final ElfDoctor doctor = new ElfDoctor(BoardCatalog.builtin());

    private static ElfFile elf(CrashLab.Scenario s) {
        return ElfFile.parse(ByteView.of(s.appElf()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lastBlock(CrashLab.Scenario s) {
        List<Map<String, Object>> blocks = (List<Map<String, Object>>) ((Map<String, Object>) s.meta().get("dump")).get("blocks");
        return blocks.get(blocks.size() - 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTruncatedLinkerRamBuildGetsTheCatalogPartitionTheCutAndTheLostObjectsInTheIssuesJson() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault");
        ElfDoctor.ElfCheck c = doctor.check(elf(s), null, null);
        assertEquals(CrashLab.hex(s.meta().get("partition_size")), c.partitionBytes().orElseThrow());
        assertTrue(c.partitionSource().orElseThrow().contains("zmk_debug at 0x71000"), c.partitionSource().toString());

        Map<String, Object> json = c.json();
        assertEquals(List.of("coredump", "advice"), List.copyOf(json.keySet()));
        Map<String, Object> cd = (Map<String, Object>) json.get("coredump");
        assertEquals(List.of("enabled", "backend", "memory_mode", "predicted_stream_bytes", "predicted_stream_worst_case", "partition_bytes", "truncated_at", "lost",
                "registers_r4_r11", "thread_metadata"), List.copyOf(cd.keySet()));
        assertEquals(true, cd.get("enabled"));
        assertEquals("flash_partition", cd.get("backend"));
        assertEquals("LINKER_RAM", cd.get("memory_mode"));
        assertEquals(false, cd.get("predicted_stream_worst_case"), "a LINKER_RAM stream is fixed at link time");
        Map<String, Object> last = lastBlock(s);
        long cut = CrashLab.hex(last.get("start")) + ((Number) last.get("bytes_present")).longValue();
        assertEquals(cut, CrashLab.hex(cd.get("truncated_at")));
        List<Map<String, Object>> lost = (List<Map<String, Object>>) cd.get("lost");
        assertFalse(lost.isEmpty());
        long heap = elf(s).symbols().byName("z_malloc_heap").orElseThrow().address();
        assertTrue(lost.stream().anyMatch(o -> o.get("name").equals("z_malloc_heap") && CrashLab.hex(o.get("address")) == heap), lost.toString());
        assertEquals(false, cd.get("registers_r4_r11"));
        assertEquals(false, cd.get("thread_metadata"));
        List<Map<String, Object>> advice = (List<Map<String, Object>>) json.get("advice");
        assertEquals("CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS=y", advice.get(0).get("kconfig"));
        assertTrue(advice.stream().anyMatch(a -> a.get("kconfig").equals("CONFIG_EXTRA_EXCEPTION_INFO=y")));

        String summary = c.summary();
        assertTrue(summary.contains(String.format("truncated at 0x%08x", cut)), summary);
        assertTrue(summary.contains("CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS=y"), summary);
        assertTrue(c.text().contains("TRUNCATED"), c.text());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aThreadsBuildWithExtraInfoFitsAndAsksForNothingItHas() {
        CrashLab.Scenario threads = CrashLab.scenario("xiao-irq-busfault");
        ElfDoctor.ElfCheck c = doctor.check(elf(threads), null, null);
        Map<String, Object> cd = (Map<String, Object>) c.json().get("coredump");
        assertEquals("THREADS", cd.get("memory_mode"));
        assertNull(cd.get("truncated_at"));
        assertEquals(true, cd.get("thread_metadata"));
        assertEquals(((Number) ((Map<String, Object>) threads.meta().get("dump")).get("size")).longValue(), cd.get("predicted_stream_bytes"));
        assertTrue(c.partitionSource().orElseThrow().startsWith("Seeed XIAO"), c.partitionSource().toString());
        assertTrue(c.summary().contains("fits the 65536-byte partition"), c.summary());

        CrashLab.Scenario extra = CrashLab.scenario("nice_nano-busfault-extra-info");
        Map<String, Object> json = doctor.check(elf(extra), null, null).json();
        assertEquals(true, ((Map<String, Object>) json.get("coredump")).get("registers_r4_r11"));
        assertFalse(((List<Map<String, Object>>) json.get("advice")).stream().anyMatch(a -> a.get("kconfig").equals("CONFIG_EXTRA_EXCEPTION_INFO=y")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMinBuildsPredictionIsLabelledTheWorstCaseAndCoversTheStreamTheFirmwareWrote() {
        for (String name : List.of("xiao-busfault-min", "xiao-values-min")) {
            CrashLab.Scenario s = CrashLab.scenario(name);
            ElfDoctor.ElfCheck c = doctor.check(elf(s), null, null);
            Map<String, Object> cd = (Map<String, Object>) c.json().get("coredump");
            assertEquals("MIN", cd.get("memory_mode"), name);
            assertEquals(true, cd.get("predicted_stream_worst_case"), name);
            long predicted = ((Number) cd.get("predicted_stream_bytes")).longValue();
            long written = ((Number) ((Map<String, Object>) s.meta().get("dump")).get("size")).longValue();
            assertTrue(predicted >= written, name + ": the worst case covers the " + written + "-byte stream the firmware wrote");
            // The worst case is the largest per-thread stream, and the thread it names is the one that gives it.
            String thread = c.preflight().worstCaseThread().orElseThrow();
            assertEquals(predicted, c.preflight().streamBytesIfFaulting(thread), name);
            assertEquals(c.preflight().perThread().values().stream().mapToLong(Long::longValue).max().orElseThrow(), predicted, name);
            assertTrue(c.text().contains(predicted + " bytes, worst case (if the thread on " + thread + " faults"), c.text());
            assertTrue(c.summary().contains(predicted + " bytes worst case"), c.summary());
        }
        // A THREADS build's figure is exact.
        Map<String, Object> threads = (Map<String, Object>) doctor.check(elf(CrashLab.scenario("xiao-irq-busfault")), null, null).json().get("coredump");
        assertEquals(false, threads.get("predicted_stream_worst_case"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void anElfWithoutCoredumpSaysSoAndWhatToAdd() {
        ElfDoctor.ElfCheck c = doctor.check(ElfFile.parse(ByteView.of(CrashLab.mbrElf())), null, null);
        Map<String, Object> cd = (Map<String, Object>) c.json().get("coredump");
        assertEquals(false, cd.get("enabled"));
        assertNull(cd.get("memory_mode"));
        assertNull(cd.get("predicted_stream_bytes"));
        assertNull(cd.get("predicted_stream_worst_case"));
        List<Map<String, Object>> advice = (List<Map<String, Object>>) c.json().get("advice");
        assertEquals("CONFIG_DEBUG_COREDUMP=y", advice.get(0).get("kconfig"));
        assertEquals("CONFIG_DEBUG_COREDUMP_BACKEND_FLASH_PARTITION=y", advice.get(1).get("kconfig"));
        assertTrue(c.summary().startsWith("coredump: not compiled in"), c.summary());
    }

    @Test
    void theHangOptionsAreCheckedAgainstTheElf() {
        HangAdvice withAsserts = HangAdvice.of(java.util.Optional.of(elf(CrashLab.scenario("nice_nano-assert"))), java.util.Optional.of("assert.elf"));
        assertTrue(withAsserts.lines().stream().anyMatch(l -> l.equals("asserts: already on in assert.elf")), withAsserts.lines().toString());
        HangAdvice without = HangAdvice.of(java.util.Optional.of(elf(CrashLab.scenario("nice_nano-erased"))), java.util.Optional.of("erased.elf"));
        assertTrue(without.lines().stream().anyMatch(l -> l.startsWith("asserts: add CONFIG_ASSERT=y")), without.lines().toString());
        assertTrue(without.lines().stream().anyMatch(l -> l.contains("CONFIG_TASK_WDT=y CONFIG_TASK_WDT_HW_FALLBACK=y")), without.lines().toString());
        assertTrue(without.notificationBody().contains("CONFIG_ASSERT=y"));
        assertFalse(withAsserts.notificationBody().contains("CONFIG_ASSERT=y"), withAsserts.notificationBody());
    }

    @Test
    void aFileThatIsNotAnElfIsOneClearLine(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("zmk.elf");
        Files.writeString(f, "not an elf");
        FormatException e = org.junit.jupiter.api.Assertions.assertThrows(FormatException.class, () -> doctor.check(f, null, null));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        FormatException board = org.junit.jupiter.api.Assertions.assertThrows(FormatException.class,
                () -> doctor.check(CrashLab.scenario("nice_nano-busfault").appElfPath(), "nonexistent", null));
        assertTrue(board.getMessage().contains("--board nonexistent"), board.getMessage());
    }
}
