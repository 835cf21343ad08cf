package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.TextReport;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A timer expiry function calls through a NULL pointer (reason 35, pc = 0): frame 0 says it was a call to address 0
 * and from where, names no function (address 0 is no function of these builds, whatever DWARF of discarded code
 * says), and the unwind goes on from lr into the interrupted thread (the frame-for-frame comparison with the true
 * chain is CrashLabBacktraceTest's).
 */
class NullCallCrashLabTest {
    static Stream<CrashLab.Scenario> nullCalls() {
        return CrashLab.scenarios().stream().filter(CrashLab.Scenario::hasTruth)
                .filter(s -> s.name().startsWith("xiao-timer-nullptr"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullCalls")
    void frameZeroSaysACallToAddressZeroFromTheCaller(CrashLab.Scenario s) {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        CrashReport.Frame f0 = r.frames().get(0);
        CrashReport.Frame caller = r.frames().get(1);
        assertEquals(0L, f0.pc().getAsLong());
        assertTrue(f0.function() == null || "??".equals(f0.function()), "frame 0 names a function: " + f0);
        assertEquals(null, f0.file());
        String expected = "call to address 0 (NULL function pointer) from " + caller.function() + " at " + caller.file()
                + ":" + caller.line();
        assertEquals(expected, f0.note().orElseThrow());
        List<String> text = TextReport.frames(r.frames(), true);
        assertTrue(text.get(0).endsWith("\u2014 " + expected), text.get(0));
        assertTrue(JsonReport.render(r).contains(expected));
        // only frame 0 carries it; the rest reach the interrupted thread's entry
        assertTrue(r.frames().stream().skip(1).allMatch(f -> f.note().isEmpty()));
        assertTrue(r.frames().stream().anyMatch(f -> "z_thread_entry".equals(f.function())));
    }
}
