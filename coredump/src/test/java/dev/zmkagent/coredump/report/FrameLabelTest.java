package dev.zmkagent.coredump.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The label of a frame that is not certain, in the text (and so the Markdown, which prints the same lines) and the
 * JSON: an inlined function carries the kind of the machine frame it runs in; JSON's {@code kind} keeps its meaning.
 */
class FrameLabelTest {
    private static CrashReport.Frame frame(int index, boolean inlined, String kind) {
        return new CrashReport.Frame(index, OptionalLong.of(0x1234), "f" + index, "a.c", 7, inlined, kind);
    }

    @Test
    void anInlinedFunctionInAGuessedFrameIsMarkedAGuess() {
        assertEquals("#3  0x00001234 in f3 () at a.c:7   [inlined, guess]", TextReport.frame(frame(3, true, "guess"), true));
        assertEquals("#4  f4 () at a.c:7   [inlined, recovered]", TextReport.frame(frame(4, true, "recovered"), false));
        assertEquals("#5  f5 () at a.c:7   [inlined, tailcall]", TextReport.frame(frame(5, true, "tailcall"), false));
        assertEquals("#1  0x00001234 in f1 () at a.c:7   [inlined]", TextReport.frame(frame(1, true, "normal"), true));
        assertEquals("#2  0x00001234 in f2 () at a.c:7   [guess]", TextReport.frame(frame(2, false, "guess"), true));
        assertEquals(List.of("#3  0x00001234 in f3 () at a.c:7   [inlined, guess]", "#4  f4 () at a.c:7   [guess]"),
                TextReport.frames(List.of(frame(3, true, "guess"), frame(4, false, "guess"))), "the pc once per machine frame");
    }

    @Test
    void aFrameWithoutAPcIsPrintedWithoutOne() {
        // a stack-limit overflow's frame 0: the core never saved its pc (MarkdownReport prints frame 0 with showPc)
        CrashReport.Frame f = new CrashReport.Frame(0, OptionalLong.empty(), "recurse", null, 0, false, "recovered");
        assertEquals("#0  recurse ()   [recovered]", TextReport.frame(f, true));
    }

    @Test
    void jsonKeepsKindAndAddsFrameKind() {
        String[][] cases = {
            {"normal", "true", "inlined"}, {"recovered", "true", "inlined"}, {"tailcall", "true", "inlined"},
            {"guess", "true", "guess"}, {"recovered", "false", "recovered"}, {"normal", "false", "normal"},
        };
        for (String[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) JsonReport.frameMaps(List.of(frame(0, Boolean.parseBoolean(c[1]), c[0]))).get(0);
            assertEquals(c[2], m.get("kind"), String.join(",", c));
            assertEquals(c[0], m.get("frame_kind"), String.join(",", c));
        }
    }
}
