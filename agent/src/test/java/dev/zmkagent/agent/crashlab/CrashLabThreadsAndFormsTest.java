package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.agent.analyze.DumpInput;
import dev.zmkagent.agent.analyze.InputReader;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.crashlab.CrashLabUf2;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Thread lists against gdb's per-thread ground truth, every input form of one crash, and truncation stops. */
class CrashLabThreadsAndFormsTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();

    private static CrashReport analyze(CrashLab.Scenario s, String name, byte[] input, OptionalLong base) {
        DumpInput in = new InputReader(CATALOG).read(name, input, base);
        return new Analyzer(CATALOG).analyze(in, Optional.of(ElfFile.parse(ByteView.of(s.appElf()))), Optional.of("app.elf"));
    }

    @SuppressWarnings("unchecked")
    static Stream<CrashLab.Scenario> withThreads() {
        return CrashLab.scenarios().stream().filter(CrashLab.Scenario::hasTruth)
                .filter(s -> !((List<Object>) s.truth().getOrDefault("threads", List.of())).isEmpty())
                .filter(s -> !"erased".equals(((Map<String, Object>) s.meta().get("dump")).get("header")))
                // A MIN dump holds only the crashing thread: no _kernel, so no thread list to compare.
                .filter(s -> !"MIN".equals(s.meta().get("dump_mode")));
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("withThreads")
    void everySleepingThreadUnwindsLikeGdbFromItsSavedContext(CrashLab.Scenario s) {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        Map<String, CrashReport.ThreadInfo> ours = new LinkedHashMap<>();
        for (CrashReport.ThreadInfo t : r.threads()) {
            ours.put(t.name(), t);
        }
        List<Map<String, Object>> truth = (List<Map<String, Object>>) s.truth().get("threads");
        assertFalse(ours.isEmpty(), s.name() + ": no threads listed");
        for (Map<String, Object> t : truth) {
            String name = (String) t.get("name");
            CrashReport.ThreadInfo mine = ours.get(name);
            assertTrue(mine != null, s.name() + ": thread " + name + " missing from " + ours.keySet());
            assertEquals(CrashLab.hex(t.get("address")), mine.address(), name);
            assertEquals(((Number) t.get("prio")).longValue(), (long) (int) mine.priority().orElseThrow(), name);
            if (t.get("stack_start") != null) {
                // Our bounds are the ELF stack object's; Zephyr's stack_info starts after the MPU guard carved from
                // its low end (32 bytes in the lab), so the object contains the thread's usable stack and ends with it.
                long start = CrashLab.hex(t.get("stack_start"));
                long end = start + ((Number) t.get("stack_size")).longValue();
                var stack = mine.stack().orElseThrow();
                assertEquals(end, stack.end(), name + " stack end");
                assertTrue(stack.start() <= start && start - stack.start() <= 64, name + " stack start " + stack + " vs " + Long.toHexString(start));
            }
            if (Boolean.TRUE.equals(t.get("running"))) {
                assertTrue(mine.current(), name + " is the crashing thread");
                continue;
            }
            String expected = CrashLabBacktraceTest.render(GdbTruth.withGdbPaths(GdbTruth.rows((List<Map<String, Object>>) t.get("frames")),
                    GdbTruth.gdbPaths(CrashLabBacktraceTest.readTruthTxt(s))));
            String actual = CrashLabBacktraceTest.render(GdbTruth.ours(mine.frames()));
            assertEquals(expected, actual, s.name() + " thread " + name);
        }
        assertEquals(truth.size(), ours.size(), s.name() + ": " + ours.keySet());
    }

    @Test
    void aSleepReachedByATailCallShowsGdbsTailCallFrame() {
        // At -Os k_sleep_ticks ends with "b.w arch_swap": the saved lr points into logging_thread, and gdb puts
        // "0x000264f6 in k_sleep_ticks (...) at kernel.c:193" between them from the DWARF call sites.
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault-Os");
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        CrashReport.ThreadInfo logging = r.threads().stream().filter(t -> t.name().equals("logging")).findFirst().orElseThrow();
        List<String> kinds = logging.frames().stream().map(f -> f.function() + ":" + (f.inlined() ? "inlined," : "") + f.kind()).toList();
        assertEquals(List.of("irq_unlock:inlined,normal", "irq_unlock:inlined,normal", "arch_swap:normal", "k_sleep_ticks:tailcall",
                "logging_thread:normal", "z_thread_entry:normal"), kinds);
        CrashReport.Frame tail = logging.frames().get(3);
        assertEquals(0x264f6L, tail.pc().getAsLong(), "gdb's pc for it: the call site's return pc");
        assertEquals("crashlab/fw/kernel.c", tail.file());
        assertEquals(193, tail.line());
        assertFalse(tail.inlined());
    }

    @Test
    void everyInputFormOfOneCrashGivesTheSameReport() throws Exception {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault");
        CrashReport reference = analyze(s, "CURRENT.UF2", Files.readAllBytes(s.file("CURRENT.UF2")), OptionalLong.empty());
        assertEquals("current-uf2", reference.input().kind());
        byte[] flash = s.composeFlash();
        byte[] partition = s.partition();
        int size = ByteBuffer.wrap(partition).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        Map<String, CrashReport> forms = new LinkedHashMap<>();
        forms.put("raw-flash from uf2conv", analyze(s, "crash.bin", Arrays.copyOfRange(flash, 0x1000, 0xAD000), OptionalLong.empty()));
        forms.put("full flash read", analyze(s, "flash.bin", flash, OptionalLong.empty()));
        forms.put("partition", analyze(s, "partition.bin", partition, OptionalLong.empty()));
        forms.put("ze-stream", analyze(s, "dump.ze", Arrays.copyOfRange(partition, FlashHeader.STREAM_OFFSET, FlashHeader.STREAM_OFFSET + size), OptionalLong.empty()));
        forms.put("console-log", analyze(s, "console.log", Files.readAllBytes(s.file("console.log")), OptionalLong.empty()));
        for (Map.Entry<String, CrashReport> e : forms.entrySet()) {
            CrashReport r = e.getValue();
            assertEquals(reference.dump().orElseThrow().reasonCode(), r.dump().orElseThrow().reasonCode(), e.getKey());
            assertEquals(CrashLabBacktraceTest.render(GdbTruth.ours(reference.frames())), CrashLabBacktraceTest.render(GdbTruth.ours(r.frames())), e.getKey());
            assertEquals(reference.signature(), r.signature(), e.getKey());
        }
        assertEquals(0x71000, forms.get("raw-flash from uf2conv").partition().address().getAsLong());
        assertEquals(0x1000, forms.get("raw-flash from uf2conv").input().base().getAsLong());
        assertEquals(0, forms.get("full flash read").input().base().getAsLong());
    }

    @Test
    void damagedUnwindTablesAreReportedNotSilentlyDropped() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault");
        byte[] elf = s.appElf();
        var frame = ElfFile.parse(ByteView.of(elf)).section(".debug_frame").orElseThrow();
        for (int i = 0; i < 64; i++) {
            elf[(int) frame.fileOffset() + 40 + i] = (byte) 0xEE;
        }
        DumpInput in = new InputReader(CATALOG).read("CURRENT.UF2", CrashLabUf2.currentUf2(s), OptionalLong.empty());
        CrashReport r = new Analyzer(CATALOG).analyze(in, Optional.of(ElfFile.parse(ByteView.of(elf))), Optional.of("damaged.elf"));
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains(".debug_frame") || w.contains("CFI")), r.warnings().toString());
    }

    @Test
    void aDumpCutInsideTheStackStopsWhereTheMemoryEnds() {
        // The real nice_nano-busfault dump, stored as if the partition had been only 40 KiB: the kscan thread's
        // stack (around the fault's sp) is cut in the middle, as on a ZMK build with more RAM in front of it.
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault");
        byte[] p = s.partition().clone();
        long sp = CrashLab.hex(((Map<?, ?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) s.meta().get("dump")).get("blocks")).get(0)).get("registers")).get("sp"));
        int keep = (int) (sp + 24 - 0x20000000L) + 12 + 73 + 11;
        Arrays.fill(p, FlashHeader.STREAM_OFFSET + keep, p.length, (byte) 0xFF);
        int sum = 0;
        for (int i = 0; i < keep; i++) {
            sum += p[FlashHeader.STREAM_OFFSET + i] & 0xFF;
        }
        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(4, keep).putShort(10, (short) (sum + 1));
        CrashReport r = analyze(s, "partition.bin", p, OptionalLong.empty());
        assertTrue(r.dump().orElseThrow().truncated());
        List<String> functions = r.frames().stream().map(CrashReport.Frame::function).toList();
        assertTrue(functions.contains("hold_tap_binding_pressed"), functions.toString());
        assertFalse(functions.contains("z_thread_entry"), "the thread entry's frame is beyond the stored bytes: " + functions);
        String stop = r.diagnosis().stream().filter(d -> d.startsWith("The backtrace stops early")).findFirst().orElseThrow();
        assertTrue(stop.contains("not in the dump") && stop.contains("truncated"), stop);
        java.util.regex.Matcher a = java.util.regex.Pattern.compile("0x([0-9a-f]{8})").matcher(stop);
        boolean named = false;
        while (a.find()) {
            long at = Long.parseLong(a.group(1), 16);
            named |= at >= sp && at < sp + 0x100;
        }
        assertTrue(named, "names the address, just above the fault's sp: " + stop);
    }
}
