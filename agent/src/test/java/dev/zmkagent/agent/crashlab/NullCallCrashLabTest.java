package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.Hex;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.TextReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A call through a NULL function pointer (reason 35, pc = 0): frame 0 says it was a call to address 0 and from where
 * (the caller as the true chain names it), names no function (address 0 is no function of these builds, whatever
 * DWARF of discarded code says), and the unwind goes on from lr into the interrupted thread (the frame-for-frame
 * comparison with the true chain is CrashLabBacktraceTest's).
 */
class NullCallCrashLabTest {
    /** Functions fw/issue10.c and fw/zephyr_build.c define for --gc-sections to discard (checked below to be so). */
    private static final List<String> DISCARDED = List.of("behavior_unused_on_hold", "kscan_unused_debounce",
            "lab_discarded_store", "lab_discarded_mix", "zmk_rgb_underglow_set_hsb", "hsb_scale",
            "zmk_battery_state_of_charge", "battery_mv_to_percent", "zmk_split_bt_peripheral_count");

    static Stream<CrashLab.Scenario> nullCalls() {
        return CrashLab.scenarios().stream().filter(CrashLab.Scenario::hasTruth)
                .filter(s -> Integer.valueOf(35).equals(s.meta().get("expected_reason")));
    }

    /** The true caller: the frame after the pc-0 frame of the truth's chain. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> trueCaller(CrashLab.Scenario s) {
        List<Map<String, Object>> frames = (List<Map<String, Object>>) s.truth().get("frames");
        for (int i = 0; i + 1 < frames.size(); i++) {
            if ("0x00000000".equals(frames.get(i).get("pc")) && "normal".equals(frames.get(i).get("kind"))) {
                return frames.get(i + 1);
            }
        }
        throw new AssertionError(s.name() + ": the truth has no frame at pc 0");
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("nullCalls")
    void frameZeroSaysACallToAddressZeroFromTheTrueCaller(CrashLab.Scenario s) throws Exception {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        Map<String, Object> truth = trueCaller(s);
        CrashReport.Frame f0 = r.frames().get(0);
        assertEquals(0L, f0.pc().getAsLong());
        assertTrue(f0.function() == null || "??".equals(f0.function()), "frame 0 names a function: " + f0);
        assertNull(f0.file());
        CrashReport.NullCall call = f0.nullCall().orElseThrow(() -> new AssertionError("frame 0 has no null call: " + f0));
        assertEquals(truth.get("function"), call.caller());
        assertEquals(truth.get("file"), Path.of(call.file()).getFileName().toString());    // the truth keeps basenames
        assertEquals(truth.get("line"), call.line());
        assertEquals(truth.get("pc"), Hex.word(call.returnAddress()));
        assertTrue(call.registerCall(), "the instruction before lr is a blx");

        String expected = "call to address 0 (NULL function pointer) from " + truth.get("function") + " ("
                + call.file() + ":" + truth.get("line") + ")";
        String text = TextReport.render(r, false);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("#0 ") && l.endsWith("\u2014 " + expected)), text);

        List<Map<String, Object>> jf = (List<Map<String, Object>>) JSON.std.mapFrom(JsonReport.render(r)).get("frames");
        Map<String, Object> nc = (Map<String, Object>) jf.get(0).get("null_call");
        assertEquals(truth.get("function"), nc.get("caller"));
        assertEquals(call.file(), nc.get("file"));
        assertEquals(((Number) truth.get("line")).intValue(), ((Number) nc.get("line")).intValue());
        assertEquals(truth.get("pc"), nc.get("return_address"));
        assertEquals("blx", nc.get("through"));
        assertEquals(expected, nc.get("text"));
        // only frame 0 carries it; the chain goes on from lr into the interrupted thread's entry
        for (int i = 1; i < jf.size(); i++) {
            assertFalse(jf.get(i).containsKey("null_call"), "frame " + i);
        }
        assertTrue(r.frames().stream().anyMatch(f -> "z_thread_entry".equals(f.function())));
    }

    /** The builds carry DWARF of discarded functions; no report of them may name one, anywhere. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nullCalls")
    void noReportNamesADiscardedFunction(CrashLab.Scenario s) throws Exception {
        ElfFile elf = ElfFile.parse(ByteView.of(s.appElf()));
        String strings = new String(s.appElf(), StandardCharsets.ISO_8859_1);
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        String text = TextReport.render(r, false, true, true);
        String json = JsonReport.render(r);
        for (String name : DISCARDED) {
            if (!strings.contains(name + "\0")) {
                continue;                       // not built into this scenario
            }
            assertTrue(elf.symbols().byName(name).isEmpty(), name + " was not discarded in " + s.name());
            assertFalse(text.contains(name), s.name() + ": the text report names discarded " + name + "\n" + text);
            assertFalse(json.contains(name), s.name() + ": the JSON report names discarded " + name);
        }
    }

    @Test
    void theGcBuildReallyHasDiscardedFunctionsInTheFaultingUnit() throws Exception {
        CrashLab.Scenario s = CrashLab.scenario("xiao-timer-nullptr-gc");
        String strings = new String(s.appElf(), StandardCharsets.ISO_8859_1);
        ElfFile elf = ElfFile.parse(ByteView.of(s.appElf()));
        for (String name : List.of("behavior_unused_on_hold", "kscan_unused_debounce", "lab_discarded_store")) {
            assertTrue(strings.contains(name + "\0"), name + " is not in the DWARF strings");
            assertTrue(elf.symbols().byName(name).isEmpty(), name + " has a symbol: it was not discarded");
        }
        assertTrue(elf.symbols().byName("hold_tap_timer_expired").isPresent());
    }

    /**
     * Flash at 0: the vector table is at address 0 in the executable .text, so gdb takes the discarded functions'
     * DWARF there for code and names one at pc 0 (recorded in the truth as gdb_named, the frame itself as no
     * function). Our report names none: frame 0 is the call to address 0, and the chain goes on to the thread entry.
     */
    @SuppressWarnings("unchecked")
    @Test
    void onABoardWithFlashAtZeroAddressZeroIsTheVectorTableNotAFunction() throws Exception {
        CrashLab.Scenario s = CrashLab.scenario("nrf52840dk-timer-nullptr-flash0");
        ElfFile elf = ElfFile.parse(ByteView.of(s.appElf()));
        assertTrue(elf.isCode(0), "address 0 is not in an executable section");
        assertTrue(elf.symbols().byName("_vector_table").orElseThrow().isObject());
        assertEquals(0L, elf.symbols().byName("_vector_table").orElseThrow().address());
        List<Map<String, Object>> truth = (List<Map<String, Object>>) s.truth().get("frames");
        Map<String, Object> zero = truth.stream().filter(f -> f.containsKey("gdb_named")).findFirst()
                .orElseThrow(() -> new AssertionError("gdb named no function at 0: the property is not there"));
        assertNull(zero.get("function"));
        for (Map<String, Object> named : (List<Map<String, Object>>) zero.get("gdb_named")) {
            assertTrue(elf.symbols().byName((String) named.get("function")).isEmpty(), "gdb named a kept function " + named);
        }

        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        CrashReport.Frame f0 = r.frames().get(0);
        assertEquals(0L, f0.pc().getAsLong());
        assertTrue(f0.function() == null || "??".equals(f0.function()), "frame 0 names a function: " + f0);
        assertEquals("hold_tap_timer_expired", f0.nullCall().orElseThrow().caller());
        String text = TextReport.render(r, false, true, true);
        for (Map<String, Object> named : (List<Map<String, Object>>) zero.get("gdb_named")) {
            assertFalse(text.contains((String) named.get("function")), text);
        }
        assertFalse(text.contains("_vector_table"), text);
        assertEquals("z_thread_entry", r.frames().stream().filter(f -> f.function() != null && !"guess".equals(f.kind()))
                .reduce((a, b) -> b).orElseThrow().function());
    }
}
