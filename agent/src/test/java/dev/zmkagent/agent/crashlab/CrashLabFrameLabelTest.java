package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * An inlined function is as certain as the machine frame it runs in: in every view (text, the Markdown of report.md
 * and of triage attachments, JSON) an inlined frame inside a guessed, recovered or tail-call frame carries that label.
 * Every crash-lab scenario's report is checked; the scenarios must hold inlined frames in recovered frames (the
 * stack-limit overflow's chain), or this test proves nothing.
 */
class CrashLabFrameLabelTest {

    @SuppressWarnings("unchecked")
    @Test
    void inlinedFramesCarryTheLabelOfTheirMachineFrameInEveryView() {
        TreeSet<String> seen = new TreeSet<>();
        for (CrashLab.Scenario s : CrashLab.scenarios()) {
            if (!s.hasTruth()) {
                continue;
            }
            CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
            List<CrashReport.Frame> frames = r.frames();
            String text = TextReport.render(r, false);
            String markdown = MarkdownReport.render(r);
            List<String> textLines = text.lines().toList();
            List<Map<String, Object>> json = (List<Map<String, Object>>) JsonReport.toMap(r).get("frames");
            for (int i = 0; i < frames.size(); i++) {
                CrashReport.Frame f = frames.get(i);
                String prefix = String.format("#%-2d ", f.index());
                String line = textLines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
                String what = s.name() + " " + line;
                assertEquals(f.kind(), json.get(i).get("frame_kind"), what);
                if (!f.inlined()) {
                    continue;
                }
                // the machine frame: the next frame that is not inlined, at the same pc
                CrashReport.Frame outer = frames.stream().skip(i + 1).filter(o -> !o.inlined()).findFirst().orElseThrow();
                assertEquals(outer.pc(), f.pc(), what);
                assertEquals(outer.kind(), f.kind(), "an inlined frame is as certain as its machine frame: " + what);
                assertEquals(outer.kind().equals("guess") ? "guess" : "inlined", json.get(i).get("kind"), "JSON kind as before: " + what);
                String label = "normal".equals(outer.kind()) ? "[inlined]" : "[inlined, " + outer.kind() + "]";
                assertTrue(line.endsWith(label), "text: " + what);
                assertTrue(markdown.contains(line), "Markdown: " + what);
                seen.add(outer.kind());
            }
        }
        // no lab report has an inlined function in a guessed frame: FrameLabelTest and ConstructedStackTest cover those
        assertTrue(seen.contains("recovered"), "scenarios with inlined frames in recovered frames: " + seen);
        assertFalse(seen.contains("exception"));
    }
}
