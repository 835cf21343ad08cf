package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.TextReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 8: frames erased by tail calls. In both scenarios a thread's entry function ends in jumps (b.w), so the
 * stack holds only the faulting function's and z_thread_entry's frames, and gdb shows only those (z_thread_entry calls
 * the entry through a pointer: its DWARF call site names no callee). truth.json's {@code tail_calls} holds the path the
 * lab ran, checked against the disassembly when the fixture was made.
 */
class CrashLabTailCallTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tailCalls(CrashLab.Scenario s) {
        return (Map<String, Object>) s.truth().get("tail_calls");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> erased(CrashLab.Scenario s) {
        return (List<Map<String, Object>>) tailCalls(s).get("frames");
    }

    @Test
    void theOneTailCallPathFromTheThreadEntryIsShownFrameForFrameLabelledAsTailCalls() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-tailcall-entry");
        assertEquals(Boolean.TRUE, tailCalls(s).get("provable"));
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        List<CrashReport.Frame> frames = r.frames().stream().filter(f -> !"exception".equals(f.kind())).toList();
        String faulting = (String) tailCalls(s).get("faulting");
        assertEquals(faulting, frames.get(0).function(), r.frames().toString());
        List<Map<String, Object>> expected = erased(s);
        assertFalse(expected.isEmpty());
        for (int i = 0; i < expected.size(); i++) {
            CrashReport.Frame f = frames.get(1 + i);
            Map<String, Object> e = expected.get(i);
            String what = "tail-call frame " + i + ": " + f;
            assertEquals("tailcall_via_entry", f.kind(), what);
            assertEquals(e.get("function"), f.function(), what);
            assertEquals(Long.decode((String) e.get("pc")), f.pc().getAsLong(), what);
            assertTrue(f.file().endsWith("/" + e.get("file")), what);
            assertEquals(((Number) e.get("line")).intValue(), f.line(), what);
        }
        assertEquals("z_thread_entry", frames.get(1 + expected.size()).function(), "right after the erased frames: the real caller");
        assertEquals(1 + expected.size() + 1, frames.size(), "nothing else: " + frames);

        String text = TextReport.render(r, false);
        for (Map<String, Object> e : expected) {
            assertTrue(text.contains(String.format("%s in %s (", e.get("pc"), e.get("function"))), text);
        }
        assertTrue(text.contains("[tailcall_via_entry]"), text);
        String diagnosis = String.join("\n", r.diagnosis());
        assertTrue(diagnosis.contains("Tail calls: #") && diagnosis.contains("does not show them"), diagnosis);
        assertTrue(diagnosis.contains("no jump through a pointer") && diagnosis.contains("cannot be seen"), "what was established: " + diagnosis);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> json = (List<Map<String, Object>>) JsonReport.toMap(r).get("frames");
        List<String> kinds = new ArrayList<>();
        for (Map<String, Object> f : json) {
            kinds.add(f.get("function") + ":" + f.get("kind"));
        }
        List<String> want = new ArrayList<>(List.of(faulting + ":normal"));
        expected.forEach(e -> want.add(e.get("function") + ":tailcall_via_entry"));
        want.add("z_thread_entry:normal");
        assertEquals(want, kinds.stream().filter(k -> !k.startsWith("<signal handler called>")).toList());
    }

    @SuppressWarnings("unchecked")
    @Test
    void twoTailCallPathsShowNoErasedFrameAndTheReportSaysThePathIsAmbiguous() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-tailcall-ambiguous");
        assertEquals(Boolean.FALSE, tailCalls(s).get("provable"));
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        List<String> onAnyPath = new ArrayList<>();
        erased(s).forEach(e -> onAnyPath.add((String) e.get("function")));
        for (List<String> other : (List<List<String>>) tailCalls(s).get("other_paths")) {
            onAnyPath.addAll(other);
        }
        assertTrue(onAnyPath.size() >= 3, "two paths: " + onAnyPath);
        for (CrashReport.Frame f : r.frames()) {
            assertFalse(onAnyPath.contains(f.function()), "a frame of an ambiguous tail-call path is shown: " + f);
            assertFalse(f.kind().startsWith("tailcall"), "a tail-call frame is shown: " + f);
        }
        List<String> functions = r.frames().stream().filter(f -> !"exception".equals(f.kind())).map(CrashReport.Frame::function).toList();
        assertEquals(List.of(tailCalls(s).get("faulting"), "z_thread_entry"), functions);
        String diagnosis = String.join("\n", r.diagnosis());
        assertTrue(diagnosis.contains("the tail-call path is ambiguous") && diagnosis.contains("2 possible tail-call paths"), diagnosis);
        assertTrue(TextReport.render(r, false).contains("the tail-call path is ambiguous"));
    }

    @SuppressWarnings("unchecked")
    @Test
    void aTailCallThroughAPointerMakesThePathUnknownSoNoFrameOfEitherPathIsShown() {
        // The DWARF call sites name one tail-call path (through keymap_event_dispatch); the run took the pointer.
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-tailcall-indirect");
        assertEquals(Boolean.FALSE, tailCalls(s).get("provable"));
        List<String> indirect = (List<String>) tailCalls(s).get("indirect");
        assertFalse(indirect.isEmpty());
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        List<String> onAnyPath = new ArrayList<>();
        erased(s).forEach(e -> onAnyPath.add((String) e.get("function")));
        for (List<String> other : (List<List<String>>) tailCalls(s).get("other_paths")) {
            onAnyPath.addAll(other);
        }
        assertTrue(onAnyPath.size() >= 3, "the path taken and the one not taken: " + onAnyPath);
        for (CrashReport.Frame f : r.frames()) {
            assertFalse(onAnyPath.contains(f.function()), "a frame of a tail-call path that is not known is shown: " + f);
            assertFalse(f.kind().startsWith("tailcall"), "a tail-call frame is shown: " + f);
        }
        List<String> functions = r.frames().stream().filter(f -> !"exception".equals(f.kind())).map(CrashReport.Frame::function).toList();
        assertEquals(List.of(tailCalls(s).get("faulting"), "z_thread_entry"), functions);
        String diagnosis = String.join("\n", r.diagnosis());
        assertTrue(diagnosis.contains(indirect.get(0) + " jumps through a pointer") && diagnosis.contains("is not known"), diagnosis);
        assertFalse(diagnosis.contains("Tail calls: #"), diagnosis);
        assertTrue(TextReport.render(r, false).contains("jumps through a pointer"));
    }

    @Test
    void scenariosWithoutTailCallsSayNothingAboutThem() {
        for (CrashLab.Scenario s : CrashLab.scenarios()) {
            // m33-stack-limit-tailcall: tail calls in a stack-limit overflow's chain (CrashLabStackLimitTailCallTest)
            if (!s.hasTruth() || s.truth().get("tail_calls") != null || s.name().equals("m33-stack-limit-tailcall")) {
                continue;
            }
            CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
            for (CrashReport.Frame f : r.frames()) {
                assertFalse("tailcall_via_entry".equals(f.kind()), s.name() + ": " + f);
            }
            assertFalse(String.join("\n", r.diagnosis()).contains("tail-call path"), s.name());
        }
    }
}
