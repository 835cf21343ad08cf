package dev.zmkagent.agent.crashlab;

import dev.zmkagent.coredump.report.CrashReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts gdb's ground-truth frames and our report frames into one comparable form: function, file name, line,
 * inlined, and whether the frame is an exception boundary.
 */
final class GdbTruth {
    private GdbTruth() {
    }

    record Row(String kind, Long pc, String function, String file, int line, boolean inlined) {
        @Override
        public String toString() {
            return "exception".equals(kind) ? "<signal handler called>"
                    : (pc == null ? "" : String.format("0x%08x ", pc)) + (inlined ? "[inlined] " : "") + function
                    + (file == null ? "" : " at " + file + ":" + line)
                    + ("normal".equals(kind) ? "" : "   [" + kind + "]");
        }
    }

    /**
     * The frames our backtrace must equal. Normally gdb's live view ({@code frames}). For crashes raised by
     * {@code svc} (k_oops, k_panic, __ASSERT: the harness stopped in z_arm_svc) gdb's live view is wrong: the core
     * stacks the address of the instruction <em>after</em> the svc, and gdb looks the interrupted frame up there as if
     * it had faulted on that instruction. When the svc is the last instruction of a noreturn function
     * (assert_post_action in nice_nano-assert) that address is the next function's first instruction, so gdb names
     * the wrong function and unwinds it with the wrong CFI row (zmk_keymap_layer_activate twice). The harness also
     * records gdb's bt with pc = pc - 2, at the svc itself ({@code frames_at_svc}): that is the truth there.
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> groundTruthFrames(Map<String, Object> truth) {
        Object atSvc = truth.get("frames_at_svc");
        return (List<Map<String, Object>>) (atSvc != null ? atSvc : truth.get("frames"));
    }

    /**
     * truth.json keeps file basenames; gdb prints the path as DWARF names it (truth.txt: "at crashlab/fw/app.c:61").
     * Maps each basename to gdb's printed path, so expected rows carry exactly what gdb shows.
     */
    static Map<String, String> gdbPaths(String truthTxt) {
        Map<String, String> out = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" at (\\S+):\\d+").matcher(truthTxt);
        while (m.find()) {
            String path = m.group(1);
            String base = path.substring(path.lastIndexOf('/') + 1);
            String before = out.putIfAbsent(base, path);
            if (before != null && !before.equals(path)) {
                throw new IllegalStateException("two paths for " + base + ": " + before + ", " + path);
            }
        }
        return out;
    }

    /** The rows with gdb's printed paths in place of basenames. */
    static List<Row> withGdbPaths(List<Row> rows, Map<String, String> paths) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(r.file() == null ? r : new Row(r.kind(), r.pc(), r.function(), paths.getOrDefault(r.file(), r.file()), r.line(), r.inlined()));
        }
        return out;
    }

    /**
     * gdb's live frames after the fault handler's "<signal handler called>", without gdb's final
     * "0x00000000 in ?? ()" past the thread entry (the initial lr of a Zephyr thread is 0).
     */
    @SuppressWarnings("unchecked")
    static List<Row> afterFaultBoundary(List<Map<String, Object>> frames) {
        int start = 0;
        for (int i = 0; i < frames.size(); i++) {
            if ("exception".equals(frames.get(i).get("kind"))) {
                start = i + 1;
                break;
            }
        }
        return rows(frames.subList(start, frames.size()));
    }

    static List<Row> rows(List<Map<String, Object>> frames) {
        List<Row> out = new ArrayList<>();
        for (Map<String, Object> f : frames) {
            boolean exception = "exception".equals(f.get("kind"));
            Object line = f.get("line");
            Object pc = f.get("pc");
            // "tailcall": a frame a tail call erased that no debugger shows (the lab knows and checked the path)
            out.add(new Row(exception ? "exception" : "tailcall".equals(f.get("kind")) ? "tailcall" : "normal", pc == null ? null : Long.decode((String) pc), exception ? null : (String) f.get("function"),
                    (String) f.get("file"), line == null ? 0 : ((Number) line).intValue(), Boolean.TRUE.equals(f.get("inlined"))));
        }
        while (!out.isEmpty() && out.get(out.size() - 1).function() == null && !"exception".equals(out.get(out.size() - 1).kind())) {
            Map<String, Object> last = frames.get(out.size() - 1);
            if (!"0x00000000".equals(last.get("pc"))) {
                break;
            }
            out.remove(out.size() - 1);
        }
        return out;
    }

    /**
     * A stack-limit overflow where the core stacked nothing (m33-stack-limit): gdb's truth, taken live at the
     * instruction that crossed the limit, knows the innermost frame's pc; a dump cannot, because that pc was never
     * saved anywhere. The innermost frame is compared by its function only; every caller frame by pc, function and
     * line as usual.
     */
    static List<Row> withoutInnermostPc(List<Row> rows) {
        List<Row> out = new ArrayList<>(rows);
        Row first = out.get(0);
        out.set(0, new Row(first.kind(), null, first.function(), null, 0, first.inlined()));
        return out;
    }

    /** The same, and the innermost frame's function unknown too (a report that cannot tell it must not name it). */
    static List<Row> withoutInnermostFunction(List<Row> rows) {
        List<Row> out = new ArrayList<>(withoutInnermostPc(rows));
        Row first = out.get(0);
        out.set(0, new Row(first.kind(), null, null, null, 0, first.inlined()));
        return out;
    }

    /**
     * The rows up to and including the (machine) frame of {@code function}, with the inlined frames in it: where a
     * backtrace from a dump must end when that frame's CFA cannot be proved (an alloca function whose frame pointer r7
     * is not in the dump).
     */
    static List<Row> throughFunction(List<Row> rows, String function) {
        for (int i = 0; i < rows.size(); i++) {
            if (!rows.get(i).inlined() && function.equals(rows.get(i).function())) {
                return new ArrayList<>(rows.subList(0, i + 1));
            }
        }
        throw new IllegalStateException(function + " is not in gdb's frames " + rows);
    }

    /** Our frames after the leading fault frame. */
    static List<Row> ours(List<CrashReport.Frame> frames) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            CrashReport.Frame f = frames.get(i);
            if (i == 0 && "exception".equals(f.kind())) {
                continue;
            }
            boolean exception = "exception".equals(f.kind());
            String fn = f.function();
            if ("??".equals(fn)) {
                fn = null;
            }
            // Inlined frames are "normal" frames of gdb's with the inlined flag; recovered ones gdb shows as plain frames,
            // and so are its tail-call frames (truth.json records every frame gdb printed as "normal"). Tail-call frames
            // placed from the thread's entry are ones gdb does not show: truth.json has them from the lab as "tailcall".
            String kind = exception ? "exception"
                    : "inlined".equals(f.kind()) || "recovered".equals(f.kind()) || "tailcall".equals(f.kind()) ? "normal"
                    : "tailcall_via_entry".equals(f.kind()) ? "tailcall" : f.kind();
            out.add(new Row(kind, exception || f.pc().isEmpty() ? null : f.pc().getAsLong(), exception ? null : fn, f.file(), f.line(), f.inlined()));
        }
        return out;
    }
}
