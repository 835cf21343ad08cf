package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.agent.analyze.DumpInput;
import dev.zmkagent.agent.analyze.InputReader;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.crashlab.CrashLabUf2;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The heart of issues 2 and 4: on every real crash, the backtrace zmk-agent derives from CURRENT.UF2 + zmk.elf alone
 * equals gdb's live backtrace at the fault, frame for frame (function, file, line, inlined levels, exception
 * boundaries), from the faulting instruction to the thread entry.
 */
class CrashLabBacktraceTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();

    static Stream<CrashLab.Scenario> crashes() {
        return CrashLab.scenarios().stream().filter(CrashLab.Scenario::hasTruth);
    }

    static CrashReport analyzeCurrentUf2(CrashLab.Scenario s) {
        DumpInput in = new InputReader(CATALOG).read("CURRENT.UF2", CrashLabUf2.currentUf2(s), OptionalLong.empty());
        ElfFile elf = ElfFile.parse(ByteView.of(s.appElf()));
        return new Analyzer(CATALOG).analyze(in, Optional.of(elf), Optional.of(s.appElfPath().toString()));
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("crashes")
    void backtraceEqualsGdbLiveBacktrace(CrashLab.Scenario s) {
        CrashReport r = analyzeCurrentUf2(s);
        Map<String, Object> dump = (Map<String, Object>) s.meta().get("dump");
        if ("erased".equals(dump.get("header")) && !Boolean.TRUE.equals(dump.get("data_present"))) {
            assertTrue(r.dump().isEmpty(), "an erased partition holds no crash");
            return;
        }
        List<GdbTruth.Row> expected = GdbTruth.afterFaultBoundary(GdbTruth.groundTruthFrames(s.truth()));
        List<GdbTruth.Row> actual = GdbTruth.ours(r.frames());
        assertEquals(render(expected), render(actual), s.name() + "\n" + String.join("\n", r.diagnosis()));
    }

    static String render(List<GdbTruth.Row> rows) {
        StringBuilder b = new StringBuilder();
        for (GdbTruth.Row row : rows) {
            b.append(row).append('\n');
        }
        return b.toString();
    }
}
