package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.TextReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * m33-stack-limit-tailcall: a stack-limit overflow in a recursion that goes through a function that tail-calls
 * (display_layer_render calls display_layer_scale, which jumps back to the render directly or through
 * display_layer_dim). The saved return address follows a call to display_layer_scale, but the render overflowed
 * (gdb's truth at the overflowing instruction): the report must not name display_layer_scale as the overflowing
 * function, and the two tail-call paths at every level must be explained, not dropped.
 */
class CrashLabStackLimitTailCallTest {
    private static final CrashLab.Scenario S = CrashLab.scenario("m33-stack-limit-tailcall");

    @SuppressWarnings("unchecked")
    private static String truthOverflowing() {
        Map<String, Object> overflow = (Map<String, Object>) S.truth().get("stack_overflow");
        return (String) ((List<Map<String, Object>>) overflow.get("frames")).get(0).get("function");
    }

    private static List<CrashReport.Frame> frames(CrashReport r) {
        return r.frames().stream().filter(f -> !"exception".equals(f.kind())).toList();
    }

    @Test
    void theFunctionThatTailCalledIsNotNamedAsTheOneThatOverflowed() {
        String overflowed = truthOverflowing();
        assertEquals("display_layer_render", overflowed, "the lab's overflow is in the render");
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(S);
        List<CrashReport.Frame> frames = frames(r);
        CrashReport.Frame f0 = frames.get(0);
        assertTrue(f0.function() == null || "??".equals(f0.function()), "frame 0 has no name: " + f0);
        assertEquals("recovered", f0.kind());
        for (CrashReport.Frame f : frames) {
            assertFalse("display_layer_scale".equals(f.function()) || "display_layer_dim".equals(f.function()),
                    "a function that jumped on is shown as a frame: " + f);
        }
        assertEquals(overflowed, frames.get(1).function(), "the caller, rebuilt from the saved return address");
        String diagnosis = String.join("\n", r.diagnosis());
        // the render (gdb's frame 0) is among them; display_layer_dim saves nothing and has no frame, so it is not
        assertTrue(diagnosis.contains("overflowed in display_layer_scale or in a function it tail-called (" + overflowed + ")"),
                "names the candidates: " + diagnosis);
        assertFalse(diagnosis.contains("overflowed in display_layer_scale, whose frame"), diagnosis);
        String text = TextReport.render(r, false);
        assertTrue(text.contains("overflowed in display_layer_scale or in a function it tail-called"), text);
        assertTrue(text.contains("#0  ?? ()   [recovered]"), text);
    }

    @Test
    void theAmbiguousTailCallsInTheRebuiltChainAreExplained() {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(S);
        String diagnosis = String.join("\n", r.diagnosis());
        assertTrue(diagnosis.contains("the tail-call path is ambiguous") && diagnosis.contains("2 possible tail-call paths from display_layer_scale"),
                "the rebuilt chain's notes: " + diagnosis);
        assertTrue(frames(r).stream().noneMatch(f -> f.kind().startsWith("tailcall")), "no tail-call frame is guessed");
    }
}
