package dev.zmkagent.agent.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.device.boards.BoardCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The triage table's top frames carry how certain each frame is, read from gdb's truth of crash-lab crashes: an
 * inlined function (nice_nano-busfault's binding_param), frames placed from tail-call evidence (the erased frames of
 * nice_nano-tailcall-entry) and frames rebuilt from the stack after a stack-limit overflow (m33-stack-limit, where
 * the core stacked nothing, so every frame is recovered). Before, the column showed bare names.
 */
class TriageFrameLabelsCrashLabTest {
    private static final List<String> SCENARIOS = List.of("nice_nano-busfault", "nice_nano-tailcall-entry", "m33-stack-limit");

    @TempDir
    Path dir;

    /** The expected labels of a scenario's top frames, from truth.json alone. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> truthLabels(String scenario) {
        Map<String, Object> truth = CrashLab.scenario(scenario).truth();
        boolean rebuilt = truth.get("stack_overflow") != null; // the core stacked nothing: every frame comes from the stack
        List<List<String>> out = new ArrayList<>();
        boolean after = false;
        for (Map<String, Object> f : (List<Map<String, Object>>) truth.get("frames")) {
            if (!after) {
                after = "exception".equals(f.get("kind"));
                continue;
            }
            if ("exception".equals(f.get("kind")) || out.size() == 5) {
                break;
            }
            List<String> l = new ArrayList<>();
            if (Boolean.TRUE.equals(f.get("inlined"))) {
                l.add("inlined");
            }
            if (rebuilt) {
                l.add("recovered");
            }
            if ("tailcall".equals(f.get("kind"))) {
                l.add("tailcall_via_entry"); // truth.json's "tailcall": a frame the lab placed where gdb shows none
            }
            out.add(l);
        }
        return out;
    }

    /** gdb's top frames; the signature ends at z_thread_entry (the outermost function), where gdb's bt goes on to pc 0. */
    private static List<String> names(String scenario) {
        List<String> names = TriageCrashLabTest.truthFrames(scenario);
        int entry = names.indexOf("z_thread_entry");
        return entry < 0 ? names : names.subList(0, entry + 1);
    }

    private static String cell(String scenario) {
        List<String> names = names(scenario);
        List<List<String>> labels = truthLabels(scenario).subList(0, names.size());
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String tag = SignatureFrames.tag(labels.get(i));
            cells.add(names.get(i) + (tag.isEmpty() ? "" : " " + tag));
        }
        return String.join(" < ", cells);
    }

    @Test
    void theTopFramesSayWhichAreNotCertain() throws Exception {
        List<Triage.Input> inputs = new ArrayList<>();
        for (String s : SCENARIOS) {
            Path d = Files.createDirectories(dir.resolve(s));
            Files.write(d.resolve("partition.bin"), CrashLab.scenario(s).partition());
            Files.write(d.resolve("zmk.elf"), CrashLab.scenario(s).appElf());
            inputs.add(Triage.Input.of(d.toString(), List.of()));
        }
        Triage.Result r = new Triage(BoardCatalog.builtin()).run(inputs);
        assertEquals(3, r.groups().size(), r.failed().toString());
        String text = TriageReport.text(r);
        String md = TriageReport.markdown(r);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> json = (List<Map<String, Object>>) JSON.std.mapFrom(TriageReport.json(r)).get("groups");
        for (String s : SCENARIOS) {
            assertTrue(text.contains(cell(s)), s + ": " + cell(s) + "\n" + text);
            assertTrue(md.contains("`" + cell(s) + "`"), s + "\n" + md);
            Map<String, Object> g = json.stream().filter(x -> names(s).equals(x.get("frames"))).findFirst().orElseThrow();
            assertEquals(truthLabels(s).subList(0, names(s).size()), g.get("frame_labels"), s);
        }
        // each kind of tag is there, and the legend explains each one shown
        assertTrue(cell("nice_nano-busfault").contains("[i]") && cell("nice_nano-tailcall-entry").contains("[t]")
                && cell("m33-stack-limit").contains("[r]"), "the fixtures have the frames this test is about");
        assertTrue(text.contains("Frames without a tag were unwound from the dump's registers; [i] inlined") && text.contains("[r] recovered")
                && text.contains("[t] tail call") && !text.contains("[g]"), text);
        assertTrue(md.contains("Frames without a tag were unwound"), md);
    }

    @Test
    void aTableOfCertainFramesHasNoTagsAndNoLegend() throws Exception {
        Path d = Files.createDirectories(dir.resolve("div0"));
        Files.write(d.resolve("partition.bin"), CrashLab.scenario("nice_nano-div0").partition());
        Files.write(d.resolve("zmk.elf"), CrashLab.scenario("nice_nano-div0").appElf());
        Triage.Result r = new Triage(BoardCatalog.builtin()).run(List.of(Triage.Input.of(d.toString(), List.of())));
        assertTrue(truthLabels("nice_nano-div0").stream().allMatch(List::isEmpty), "nice_nano-div0's top frames are all unwound from registers");
        String text = TriageReport.text(r);
        assertTrue(text.contains(String.join(" < ", names("nice_nano-div0"))), text);
        assertFalse(text.contains("Frames without a tag"), text);
    }
}
