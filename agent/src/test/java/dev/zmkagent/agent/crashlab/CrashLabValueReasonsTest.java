package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, the reasons: a value lost to a truncated dump says so with the address, the cut and the Kconfig fix; a
 * value outside a MIN dump says what the dump holds; r4-r11 reasons appear only when the build did not collect them;
 * every missing value has a reason; the report forms carry the values.
 */
class CrashLabValueReasonsTest {
    static Stream<CrashLab.Scenario> crashes() {
        return CrashLabValuesTest.crashes();
    }

    static List<CrashReport.Variable> all(CrashReport r) {
        List<CrashReport.Variable> out = new ArrayList<>();
        List<CrashReport.Frame> frames = new ArrayList<>(r.frames());
        r.threads().forEach(t -> frames.addAll(t.frames()));
        for (CrashReport.Frame f : frames) {
            out.addAll(f.args());
            out.addAll(f.locals());
        }
        return out;
    }

    static CrashReport.Variable arg(CrashReport r, String function, String name) {
        return r.frames().stream().filter(f -> function.equals(f.function())).flatMap(f -> f.args().stream())
                .filter(v -> v.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(function + " has no argument " + name));
    }

    @SuppressWarnings("unchecked")
    @Test
    void anArgumentPastTheTruncationCutSaysSoWithTheAddressAndTheFix() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-values");
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        Map<String, Object> dump = (Map<String, Object>) s.meta().get("dump");
        Map<String, Object> m = ((List<Map<String, Object>>) dump.get("blocks")).stream().filter(b -> "M".equals(b.get("id"))).findFirst().orElseThrow();
        long cut = Long.decode((String) m.get("start")) + ((Number) m.get("bytes_present")).longValue();
        CrashReport.Variable name = arg(r, "lll_prepare_resolve", "conn_name");
        String reason = name.unavailableReason().orElseThrow();
        // the string it points to is the part lost: gdb's own words in the value, our reason beside it
        long target = Long.decode(name.value().substring(0, name.value().indexOf(' ')));
        assertTrue(target >= cut, "the lab puts the string past the cut");
        assertTrue(name.value().contains(String.format("<error: Cannot access memory at address 0x%x>", target)), name.value());
        assertTrue(reason.contains(String.format("0x%08x is past the truncation cut at 0x%08x", target, cut)), reason);
        assertTrue(reason.contains("CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS=y"), reason);
        assertEquals("const char *", name.type());
    }

    @Test
    void aVariableLengthArraySaysItsLengthIsNotEvaluatedNotThatItsLocationIsUnknown() {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(CrashLab.scenario("nice_nano-vla-macro"));
        CrashReport.Variable vla = all(r).stream().filter(v -> v.name().equals("resolved")).findFirst()
                .orElseThrow(() -> new AssertionError("no local 'resolved' (the VLA of fw/behavior_macro.c)"));
        assertEquals("<not evaluated: the run-time length of a variable-length array (DWARF gives it as another variable)>", vla.value());
        String reason = vla.unavailableReason().orElseThrow();
        assertTrue(reason.startsWith("its location was read, but zmk-agent does not evaluate the run-time length"), reason);
        assertFalse(reason.contains("cannot evaluate its location"), reason);
    }

    @Test
    void memoryOutsideAMinDumpNamesWhatTheDumpHolds() {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(CrashLab.scenario("xiao-values-min"));
        String reason = arg(r, "lll_prepare_resolve", "conn_name").unavailableReason().orElseThrow();
        assertTrue(reason.contains("is not in the dump: it holds only"), reason);
        assertTrue(reason.contains("CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_LINKER_RAM=y"), reason);
        assertFalse(reason.contains("truncation"), reason);
    }

    @Test
    void typedValuesPrintAsGdbDoes() {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(CrashLab.scenario("nice_nano-values"));
        assertEquals("uint8_t", arg(r, "lll_prepare_resolve", "is_resume").type());
        assertEquals("lll_prepare_cb_t", arg(r, "lll_prepare_resolve", "prepare_cb").type());
        assertTrue(arg(r, "lll_prepare_resolve", "prepare_cb").entryValue().orElseThrow().endsWith(" <prepare_cb>"));
        CrashReport.Frame caller = r.frames().stream().filter(f -> "ull_prepare_enqueue".equals(f.function())).findFirst().orElseThrow();
        CrashReport.Variable p = caller.locals().stream().filter(v -> v.name().equals("p")).findFirst().orElseThrow();
        assertEquals("struct lll_prepare_param", p.type());
        assertTrue(p.value().contains("state = LLL_STATE_PREPARE"), p.value());
    }

    @Test
    void withExtraExceptionInfoNoValueBlamesTheMissingConfig() {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(CrashLab.scenario("nice_nano-busfault-extra-info"));
        assertTrue(r.dump().orElseThrow().calleeSavedKnown());
        for (CrashReport.Variable v : all(r)) {
            assertFalse(v.unavailableReason().orElse("").contains("CONFIG_EXTRA_EXCEPTION_INFO"), v.toString());
        }
        CrashReport without = CrashLabBacktraceTest.analyzeCurrentUf2(CrashLab.scenario("nice_nano-busfault"));
        assertTrue(all(without).stream().anyMatch(v -> v.unavailableReason().orElse("").contains("add CONFIG_EXTRA_EXCEPTION_INFO=y")),
                "the same crash without it names the config line");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crashes")
    void everyMissingValueHasAReason(CrashLab.Scenario s) {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        for (CrashReport.Variable v : all(r)) {
            boolean missing = v.value().contains("<optimized out>") || v.value().contains("<unavailable>") || v.value().contains("<error")
                    || v.value().contains("<not evaluated");
            assertEquals(missing, v.unavailableReason().isPresent(), s.name() + ": " + v);
        }
    }

    @Test
    void theReportFormsCarryTheValues() throws Exception {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(CrashLab.scenario("nice_nano-values"));
        CrashReport.Frame f0 = r.frames().stream().filter(f -> "lll_prepare_resolve".equals(f.function())).findFirst().orElseThrow();
        String text = TextReport.render(r, false, false, true);
        assertTrue(text.contains("in lll_prepare_resolve (" + f0.btArgs().orElseThrow() + ") at "), text);
        assertTrue(text.contains("        No locals.") || text.contains("        tag = "), text);
        assertTrue(text.contains("(conn_name: 0x"), "the reason is printed under the frame");
        assertFalse(TextReport.render(r, false).contains("        tag = "), "locals only with --locals");
        assertTrue(MarkdownReport.render(r).contains("        tag = "), "Markdown shows bt full");
        Map<String, Object> json = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(JsonReport.render(r));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> frames = (List<Map<String, Object>>) json.get("frames");
        Map<String, Object> j0 = frames.stream().filter(f -> "lll_prepare_resolve".equals(f.get("function"))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> args = (List<Map<String, Object>>) j0.get("args");
        assertEquals(List.of("name", "type", "value", "entry_value", "unavailable_reason"), new ArrayList<>(args.get(0).keySet()));
        assertEquals(f0.args().size(), args.size());
        assertTrue(j0.containsKey("locals"));
    }
}
