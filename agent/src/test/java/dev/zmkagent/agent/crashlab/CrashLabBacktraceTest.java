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

    /**
     * The scenario's dump as a user hands it over: CURRENT.UF2 from the board's bootloader, or, for the lab-only
     * targets without a bootloader (the Cortex-M33 ones), the coredump partition image.
     */
    static CrashReport analyzeCurrentUf2(CrashLab.Scenario s) {
        DumpInput in = s.hasBootloader()
                ? new InputReader(CATALOG).read("CURRENT.UF2", CrashLabUf2.currentUf2(s), OptionalLong.empty())
                : new InputReader(CATALOG).read("partition.bin", s.partition(), OptionalLong.empty());
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
        if (s.name().equals("m33-stack-limit-indirect")) {
            // the callers cannot be rebuilt (a tail call through a pointer): the plain unwind stays, guesses only, and
            // CrashLabStackLimitRefusalTest checks that each is on gdb's chain and that the report says why
            return;
        }
        List<GdbTruth.Row> expected = GdbTruth.withGdbPaths(GdbTruth.afterFaultBoundary(GdbTruth.groundTruthFrames(s.truth())),
                GdbTruth.gdbPaths(readTruthTxt(s)));
        if (s.truth().get("stack_overflow") != null) {
            expected = GdbTruth.withoutInnermostPc(expected);
        }
        if (s.name().equals("m33-stack-limit-tailcall")) {
            // the overflowing function is one of two that saved the same return address: frame 0 is unnamed
            // (CrashLabStackLimitTailCallTest checks that the diagnosis names gdb's function among them)
            expected = GdbTruth.withoutInnermostFunction(expected);
        }
        Optional<String> alloca = s.unprovableAllocaFrame();
        if (alloca.isPresent()) {
            // the alloca function's CFA is r7-based and r7 is not in the dump: its frame is the last one, and the
            // report says why (no stack-scan guesses after it)
            expected = GdbTruth.throughFunction(expected, alloca.get());
            String stop = "The backtrace stops early: " + alloca.get() + ": ";
            assertTrue(r.diagnosis().stream().anyMatch(l -> l.startsWith(stop) && l.contains("r7") && l.contains("moves sp")),
                    s.name() + "\n" + String.join("\n", r.diagnosis()));
        }
        List<GdbTruth.Row> actual = GdbTruth.ours(r.frames());
        assertEquals(render(expected), render(actual), s.name() + "\n" + String.join("\n", r.diagnosis()));
    }

    @SuppressWarnings("unchecked")
    @org.junit.jupiter.api.Test
    void frameZeroIsTheFaultingInstructionWithItsInlineChain() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault");
        CrashReport r = analyzeCurrentUf2(s);
        long pc = r.dump().orElseThrow().registers().stream().filter(x -> x.name().equals("pc")).findFirst().orElseThrow().value();
        CrashReport.Frame f0 = r.frames().get(0);
        assertEquals(pc, f0.pc().getAsLong());
        assertEquals("binding_param", f0.function());
        assertTrue(f0.inlined());
        CrashReport.Frame f1 = r.frames().get(1);
        assertEquals("hold_tap_binding_pressed", f1.function());
        assertEquals(pc, f1.pc().getAsLong(), "the inline chain shares the machine frame's pc");
        String text = dev.zmkagent.coredump.report.TextReport.render(r, false);
        // the arguments as gdb's bt prints them there (issue 11)
        List<Map<String, Object>> live = GdbTruth.groundTruthFrames(s.truth());
        int boundary = 0;
        while (!"exception".equals(live.get(boundary).get("kind"))) {
            boundary++;
        }
        String args0 = String.join(", ", (List<String>) live.get(boundary + 1).get("bt_args"));
        String args1 = String.join(", ", (List<String>) live.get(boundary + 2).get("bt_args"));
        assertTrue(text.contains(String.format("#0  0x%08x in binding_param (%s) at crashlab/fw/app.c:61   [inlined]", pc, args0)), text);
        assertTrue(text.contains("#1  hold_tap_binding_pressed (" + args1 + ") at crashlab/fw/app.c:66\n"), text);
        assertEquals("binding_param at crashlab/fw/app.c:61, inlined into hold_tap_binding_pressed at crashlab/fw/app.c:66",
                r.dump().get().pcLocation().orElseThrow());
        assertEquals("zmk_behavior_invoke_binding at crashlab/fw/app.c:75", r.dump().get().lrLocation().orElseThrow(),
                "lr is looked up at the call, as gdb's frame 2 shows it");
    }

    static String readTruthTxt(CrashLab.Scenario s) {
        try {
            return java.nio.file.Files.readString(s.file("truth.txt"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String render(List<GdbTruth.Row> rows) {
        StringBuilder b = new StringBuilder();
        for (GdbTruth.Row row : rows) {
            b.append(row).append('\n');
        }
        return b.toString();
    }
}
