package dev.zmkagent.agent.gdbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.analyze.AnalyzeRequest;
import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.agent.analyze.DumpLoader;
import dev.zmkagent.agent.analyze.LoadedDump;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.gdb.GdbThread;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.unwind.RegisterSet;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gdbserver serves the crash context of our report, not one of its own (both come from
 * {@code analyze.CrashContext}); without gdb, so that a divergence shows wherever the tests run. For every crash-lab
 * scenario with a dump: gdb's threads are the report's threads, in the report's order, and thread 1's pc is the pc of
 * the report's frame 0 (the svc for k_oops/__ASSERT, the overflowing function's caller after a stack-limit overflow);
 * the report and the server say that an error was raised by an svc exactly where gdb's truth was taken at one.
 * And for an arch block that lacks registers, where the old separate path served values the dump never held.
 */
class ServedContextIsTheReportsTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();

    static List<CrashLab.Scenario> scenarios() {
        return GdbServerCrashLabTest.scenarios().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void gdbIsServedTheReportsThreadsAndFrameZero(CrashLab.Scenario s) throws Exception {
        LoadedDump loaded = new DumpLoader(CATALOG).load(new AnalyzeRequest(s.file("partition.bin"), Optional.of(s.appElfPath()), OptionalLong.empty()));
        CrashReport report = new Analyzer(CATALOG).analyze(loaded);
        List<GdbThread> served = ServedDump.of(loaded).target().threads();
        assertThreadsAndFrameZeroAgree(report, served, s.name());
        // an svc-raised error (the lab's truth has gdb's view at the svc): the report says so, and gdb's pc is the svc
        boolean atSvc = Files.readString(s.file("truth.txt")).contains("# the same context at its svc instruction");
        assertEquals(atSvc, report.diagnosis().stream().anyMatch(d -> d.startsWith("The error was raised by the svc instruction")),
                s.name() + ": " + report.diagnosis());
        assertEquals(atSvc, served.get(0).extraInfo().contains("pc is the svc that raised it"), s.name() + ": " + served.get(0).extraInfo());
    }

    static void assertThreadsAndFrameZeroAgree(CrashReport report, List<GdbThread> served, String what) {
        List<String> ours = report.threads().stream().filter(t -> !t.current())
                .map(t -> t.name().isEmpty() ? String.format("thread 0x%08x", t.address()) : t.name()).toList();
        assertEquals(ours, served.subList(1, served.size()).stream().map(GdbThread::name).toList(), what + ": the switched-out threads");
        report.threads().stream().filter(CrashReport.ThreadInfo::current).findFirst().ifPresent(t -> assertEquals(
                t.name().isEmpty() ? String.format("thread 0x%08x", t.address()) : t.name(), served.get(0).name(), what + ": thread 1"));
        RegisterSet first = served.get(0).registers();
        Optional<CrashReport.Frame> frame0 = report.frames().stream().filter(f -> f.pc().isPresent()).findFirst();
        assertEquals(frame0.map(f -> f.pc().getAsLong()), first.has(RegisterSet.PC) ? Optional.of(first.value(RegisterSet.PC)) : Optional.empty(),
                what + ": thread 1's pc is where our backtrace starts\n" + report.frames());
    }

    /**
     * A dump whose arch block holds 6 of the 9 basic registers (r0-r3, r12, lr; pc, xpsr and sp were not stored) of
     * a lab crash with a thread list. The report has no backtrace and says why; gdb gets exactly the stored
     * registers, and the same threads the report lists. The gdbserver's own pipeline, before it used the report's
     * context, resolved the block as if complete and served pc 0 and xpsr 0 as known values, and the report and
     * gdb disagreed on the threads (the report listed none).
     */
    @Test
    void anArchBlockWithoutPcServesOnlyWhatItHolds(@TempDir Path dir) throws Exception {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault");
        Path stream = dir.resolve("cut-arch.ze");
        Files.write(stream, withArchBlockCut(Files.readAllBytes(s.file("partition.bin")), 6));
        LoadedDump loaded = new DumpLoader(CATALOG).load(new AnalyzeRequest(stream, Optional.of(s.appElfPath()), OptionalLong.empty()));
        ArchBlock arch = loaded.dump().orElseThrow().arch().orElseThrow();
        assertEquals(6, arch.storedWords());
        assertFalse(arch.known(ArchBlock.PC));
        CrashReport report = new Analyzer(CATALOG).analyze(loaded);
        assertTrue(report.frames().isEmpty(), report.frames().toString());
        assertTrue(report.diagnosis().stream().anyMatch(d -> d.contains("only 6 of the 9 basic registers")), report.diagnosis().toString());

        List<GdbThread> served = ServedDump.of(loaded).target().threads();
        RegisterSet first = served.get(0).registers();
        for (int r = 0; r < RegisterSet.COUNT; r++) {
            if (r <= RegisterSet.XPSR && arch.known(r)) {
                assertTrue(first.has(r), RegisterSet.name(r) + " was stored: " + first);
                assertEquals(arch.r(r), first.value(r), RegisterSet.name(r));
            } else {
                assertFalse(first.has(r), RegisterSet.name(r) + " was not stored, yet served: " + first);
            }
        }
        assertTrue(report.threads().size() > 1, "the ELF lists the threads whatever the arch block holds: " + report.threads());
        assertThreadsAndFrameZeroAgree(report, served, "cut arch block");
    }

    /** The bare 'ZE' stream of a lab partition, with its arch block ('A', version, length) cut to {@code words} words. */
    static byte[] withArchBlockCut(byte[] partition, int words) {
        ByteView p = ByteView.of(partition);
        int size = (int) FlashHeader.judge(p, p.length()).header().orElseThrow().size();
        ByteView ze = p.slice(FlashHeader.STREAM_OFFSET, size);
        int at = 12; // the 'ZE' header's length; the arch block comes first (zephyr/subsys/debug/coredump/coredump_core.c)
        assertEquals('A', ze.u8(at), "the lab's stream starts with the arch block");
        int length = ze.u16(at + 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ze.slice(0, at + 3).toArray(), 0, at + 3);
        out.write(words * 4 & 0xFF);
        out.write(words * 4 >> 8);
        out.write(ze.slice(at + 5, words * 4).toArray(), 0, words * 4);
        byte[] rest = ze.from(at + 5 + length).toArray();
        out.write(rest, 0, rest.length);
        return out.toByteArray();
    }
}
