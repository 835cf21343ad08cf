package dev.zmkagent.coredump.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ELF-only prediction against what the crash-lab firmware really wrote, on every fixture folder (so scenarios
 * added later are covered): the stream's block structure, its size, the bytes the partition kept, and the cut.
 * The truth is the firmware's own dump as the harness's independent parser read it (scenario.json) and gdb's view of
 * the threads (truth.json).
 */
class PreflightCrashLabTest {
    static Stream<CrashLab.Scenario> scenarios() {
        return CrashLab.scenarios().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theBuildIsReadFromTheElfAsTheScenarioBuiltIt(CrashLab.Scenario s) {
        Map<String, Object> meta = s.meta();
        CoredumpBuild b = CoredumpBuild.inspect(elf(s));
        assertTrue(b.enabled());
        assertEquals(Backend.FLASH_PARTITION, b.backend().orElseThrow());
        assertEquals(meta.get("dump_mode"), b.memoryMode().orElseThrow().name());
        assertEquals(((Number) meta.get("stream_flash_buffer")).longValue(), b.flashBufferBytes().orElseThrow());
        assertEquals(meta.get("extra_exception_info"), b.extraExceptionInfo().orElseThrow());
        assertEquals(68, b.archBlockBytes());
        assertTrue(b.archBlockSizeFromElf());
        // The ZMK-like build (LAB_ZMK_BUILD) has neither CONFIG_THREAD_NAME nor the thread-info table; every other lab build has both.
        Object defines = ((Map<?, ?>) meta.get("build")).get("defines");
        boolean zmkLike = defines instanceof Map<?, ?> d && d.containsKey("LAB_ZMK_BUILD");
        assertEquals(!zmkLike, b.threadNames().orElseThrow(), "CONFIG_THREAD_NAME");
        assertEquals(!zmkLike, b.debugThreadInfo(), "the thread-info table");
        if (dump(s) != null && dump(s).get("blocks") != null) {
            boolean t = blocks(s).stream().anyMatch(x -> "T".equals(x.get("id")));
            assertEquals(t, b.threadsMetadata(), "'T' block in the dump");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void predictedStreamIsTheStreamTheFirmwareWrote(CrashLab.Scenario s) {
        Map<String, Object> dump = dump(s);
        if (dump == null || !(dump.get("size") instanceof Number)) {
            return; // erased partition, or a header never written: nothing to compare sizes with
        }
        ElfFile elf = elf(s);
        long partition = CrashLab.hex(s.meta().get("partition_size"));
        Preflight p = Preflight.of(elf, partition);
        long size = ((Number) dump.get("size")).longValue();
        boolean truncated = Boolean.TRUE.equals(dump.get("truncated"));
        MemoryMode mode = p.memoryMode().orElseThrow();

        ThreadStack faulting = null;
        if (mode == MemoryMode.MIN) {
            long start = runningThreadStackStart(s);
            faulting = p.build().threadStacks().stream().filter(t -> t.address() == start).findFirst().orElseThrow();
        }
        StreamLayout layout = StreamLayout.of(p.build(), mode, faulting);
        assertSameBlocks(s, layout, mode == MemoryMode.THREADS);

        if (mode == MemoryMode.MIN) {
            assertEquals(size, p.streamBytesIfFaulting(faulting.name()), "stream if " + faulting.name() + " faults");
            assertEquals(size, p.writtenBytesIfFaulting(faulting.name()));
            assertTrue(p.predictedStreamBytes() >= size, "MIN prediction is the largest thread's");
            assertFalse(p.truncated(), "a MIN dump fits");
            return;
        }
        assertEquals(truncated, p.truncated());
        assertEquals(size, p.writtenBytes(), "bytes the partition keeps ('CD' size)");
        if (!truncated) {
            assertEquals(size, p.predictedStreamBytes());
            assertTrue(p.lost().isEmpty());
            return;
        }
        // Truncated: the last block's header tells the length the firmware meant to write; the cut is where its
        // data stops.
        Map<String, Object> last = blocks(s).get(blocks(s).size() - 1);
        long start = CrashLab.hex(last.get("start"));
        long end = CrashLab.hex(last.get("end"));
        long meant = ((Number) last.get("offset")).longValue() + StreamLayout.MEMORY_HEADER + (end - start);
        assertEquals(meant, p.predictedStreamBytes(), "whole stream");
        long cut = start + ((Number) last.get("bytes_present")).longValue();
        assertEquals(cut, p.truncatedAt().orElseThrow(), "cut address");
        assertLostIsWhatTheDumpLacks(s, elf, p, cut, end);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void threadsAndMinBuildsArePredictedToFitAndTheirStacksAreTheThreadsGdbSaw(CrashLab.Scenario s) {
        Preflight p = Preflight.of(elf(s), CrashLab.hex(s.meta().get("partition_size")));
        MemoryMode mode = p.memoryMode().orElseThrow();
        List<long[]> truthStacks = new ArrayList<>();
        for (Object o : threads(s)) {
            Map<?, ?> t = (Map<?, ?>) o;
            truthStacks.add(new long[] {CrashLab.hex(t.get("stack_start")), ((Number) t.get("stack_size")).longValue()});
        }
        assertEquals(truthStacks.size(), p.build().threadStacks().size(), "one stack object per thread");
        for (long[] t : truthStacks) {
            assertTrue(p.build().threadStacks().stream().anyMatch(x -> x.address() == t[0] && x.bytes() == t[1]),
                    "stack at 0x" + Long.toHexString(t[0]));
        }
        if (mode == MemoryMode.LINKER_RAM) {
            long usable = CrashLab.hex(s.meta().get("partition_size")) - 16;
            assertTrue(p.alternatives().get(MemoryMode.THREADS) <= usable, "THREADS would fit");
            assertTrue(p.advice().stream().anyMatch(a -> a.kconfig().equals("CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS=y")));
        } else {
            assertFalse(p.truncated(), mode + " fits");
            assertTrue(p.lost().isEmpty());
        }
    }

    /** Every lost object's bytes are past the cut; everything in the dumped region before the cut was kept. */
    private static void assertLostIsWhatTheDumpLacks(CrashLab.Scenario s, ElfFile elf, Preflight p, long cut, long end) {
        assertFalse(p.lost().isEmpty());
        long lostBytes = 0;
        for (LostObject o : p.lost()) {
            assertTrue(o.address() + o.size() > cut && o.address() < end, o.name());
            lostBytes += o.bytesLost();
        }
        long objectBytesPastCut = elf.symbols().all().stream()
                .filter(x -> x.isObject() && x.size() > 0 && x.address() + x.size() > cut && x.address() < end)
                .map(x -> x.address() + "/" + x.size() + "/" + x.name()).distinct().count();
        assertEquals(objectBytesPastCut, p.lost().size());
        assertTrue(lostBytes <= end - cut);
        // the lab's stacks sit before its heap: a LINKER_RAM cut inside the heap loses no stack
        p.lost().forEach(o -> {
            if (o.what().equals("thread stack") || o.what().equals("interrupt stack")) {
                assertTrue(o.address() + o.size() > cut, o.name());
            }
        });
    }

    /**
     * The dump's 'M' blocks are the predicted ones: same offsets, lengths and (where the ELF knows it) start. A THREADS
     * dump follows _kernel.threads, an order only the running system knows: there the blocks are compared as a set
     * and only the first block's offset (after the 'A' and 'T' blocks) is pinned.
     */
    private static void assertSameBlocks(CrashLab.Scenario s, StreamLayout layout, boolean anyOrder) {
        List<long[]> predicted = new ArrayList<>(); // offset, start (-1 unknown), bytes
        long offset = 0;
        List<StreamLayout.Output> outs = layout.outputs();
        for (int i = 0; i < outs.size(); i++) {
            StreamLayout.Output o = outs.get(i);
            if (o.what().equals("'M' header")) {
                StreamLayout.Output data = outs.get(i + 1);
                predicted.add(new long[] {offset, data.memoryStart(), data.bytes()});
            }
            offset += o.bytes();
        }
        List<Map<String, Object>> dumped = new ArrayList<>();
        for (Map<String, Object> b : blocks(s)) {
            if ("M".equals(b.get("id"))) {
                dumped.add(b);
            }
        }
        assertTrue(dumped.size() <= predicted.size(), "no block the prediction lacks");
        if (anyOrder) {
            assertEquals(((Number) dumped.get(0).get("offset")).longValue(), predicted.get(0)[0], "first block offset");
            assertEquals(predicted.size(), dumped.size());
            List<String> want = new ArrayList<>();
            List<String> got = new ArrayList<>();
            for (long[] pr : predicted) {
                want.add(pr[1] >= 0 ? pr[1] + "+" + pr[2] : "?+" + pr[2]);
            }
            for (int i = 0; i < dumped.size(); i++) {
                long start = CrashLab.hex(dumped.get(i).get("start"));
                long len = CrashLab.hex(dumped.get(i).get("end")) - start;
                boolean known = want.contains(start + "+" + len);
                got.add(known ? start + "+" + len : "?+" + len);
            }
            java.util.Collections.sort(want);
            java.util.Collections.sort(got);
            assertEquals(want, got, "the same blocks in any order");
            return;
        }
        for (int i = 0; i < dumped.size(); i++) {
            Map<String, Object> d = dumped.get(i);
            long[] pr = predicted.get(i);
            long start = CrashLab.hex(d.get("start"));
            assertEquals(((Number) d.get("offset")).longValue(), pr[0], "offset of block " + i);
            assertEquals(CrashLab.hex(d.get("end")) - start, pr[2], "length of block " + i);
            if (pr[1] >= 0) {
                assertEquals(start, pr[1], "start of block " + i);
            }
        }
    }

    private static long runningThreadStackStart(CrashLab.Scenario s) {
        for (Object o : threads(s)) {
            Map<?, ?> t = (Map<?, ?>) o;
            if (Boolean.TRUE.equals(t.get("running"))) {
                return CrashLab.hex(t.get("stack_start"));
            }
        }
        throw new AssertionError("no running thread in truth.json");
    }

    private static List<?> threads(CrashLab.Scenario s) {
        return (List<?>) s.truth().get("threads");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dump(CrashLab.Scenario s) {
        Object d = s.meta().get("dump");
        return d instanceof Map ? (Map<String, Object>) d : null;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> blocks(CrashLab.Scenario s) {
        return (List<Map<String, Object>>) dump(s).get("blocks");
    }

    private static ElfFile elf(CrashLab.Scenario s) {
        return ElfFile.parse(ByteView.of(s.appElf()));
    }
}
