package dev.zmkagent.agent.triage;

import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.unwind.CrashSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The frames a report's crash signature was computed over, recovered from the report: the report drops the
 * unwinder's leading fault frame, so the frames the signature covers start either at frame 0 or after the first
 * exception boundary. Each candidate is hashed the way {@link CrashSignature} does and kept only when it gives the
 * report's signature, so what is shown is provably what was hashed. Each frame keeps how certain it is
 * ({@link #labels}): inlined, recovered from the stack, a tail call; never a guess (the signature stops there).
 */
final class SignatureFrames {
    /** The words a frame can carry, as the report's JSON names them; a frame unwound by call-frame information has none. */
    static final List<String> LABELS = List.of("inlined", "recovered", "tailcall", "tailcall_via_entry", "guess");

    private SignatureFrames() {
    }

    static Optional<List<String>> of(CrashReport r) {
        return frames(r).map(fs -> fs.stream().map(f -> CrashSignature.normalise(f.function())).toList());
    }

    /**
     * Per frame of {@link #of}: how it was found, as words of {@link #LABELS} ({@code inlined} and the kind of the
     * machine frame it runs in, for an inlined function); empty for a frame unwound from registers and call-frame
     * information.
     */
    static Optional<List<List<String>>> labels(CrashReport r) {
        return frames(r).map(fs -> fs.stream().map(SignatureFrames::labelsOf).toList());
    }

    static List<String> labelsOf(CrashReport.Frame f) {
        List<String> out = new ArrayList<>();
        if (f.inlined()) {
            out.add("inlined");
        }
        if (!"normal".equals(f.kind()) && LABELS.contains(f.kind())) {
            out.add(f.kind());
        }
        return out;
    }

    /**
     * The labels of a group's frames: for each position, every label it has in any member's report (the same
     * functions, found with more or less certainty in different dumps), in {@link #LABELS} order.
     */
    static List<List<String>> union(List<List<List<String>>> members, int frames) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            TreeSet<String> at = new TreeSet<>(java.util.Comparator.comparingInt(LABELS::indexOf));
            for (List<List<String>> m : members) {
                if (i < m.size()) {
                    at.addAll(m.get(i));
                }
            }
            out.add(List.copyOf(at));
        }
        return out;
    }

    /** The compact tag of a frame's labels in the table: {@code [i]}, {@code [r]}, {@code [t]}, {@code [i,r]}; "" for none. */
    static String tag(List<String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        List<String> letters = new ArrayList<>();
        for (String l : labels) {
            String c = switch (l) {
                case "inlined" -> "i";
                case "recovered" -> "r";
                case "tailcall", "tailcall_via_entry" -> "t";
                default -> "g";
            };
            if (!letters.contains(c)) {
                letters.add(c);
            }
        }
        return "[" + String.join(",", letters) + "]";
    }

    /** The line under the table that says what the tags mean (only the tags it shows). */
    static Optional<String> legend(List<List<List<String>>> groups) {
        TreeSet<String> seen = new TreeSet<>();
        for (List<List<String>> g : groups) {
            for (List<String> f : g) {
                String t = tag(f);
                if (!t.isEmpty()) {
                    for (String c : t.substring(1, t.length() - 1).split(",")) {
                        seen.add(c);
                    }
                }
            }
        }
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (String c : List.of("i", "r", "t", "g")) {
            if (seen.contains(c)) {
                parts.add(switch (c) {
                    case "i" -> "[i] inlined (no frame of its own: it runs in the frame after it)";
                    case "r" -> "[r] recovered from return addresses saved on the stack (the registers did not reach it)";
                    case "t" -> "[t] tail call (a function that jumped on and left no frame, placed from DWARF call sites)";
                    default -> "[g] guess";
                });
            }
        }
        return Optional.of("Frames without a tag were unwound from the dump's registers; " + String.join("; ", parts) + ".");
    }

    private static Optional<List<CrashReport.Frame>> frames(CrashReport r) {
        if (r.signature().isEmpty() || r.dump().isEmpty()) {
            return Optional.empty();
        }
        String want = r.signature().get();
        String reason = r.dump().get().reasonName();
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < r.frames().size(); i++) {
            if ("exception".equals(r.frames().get(i).kind())) {
                starts.add(i + 1);
                break;
            }
        }
        for (int start : starts) {
            List<CrashReport.Frame> fs = from(r.frames(), start);
            if (CrashSignature.compute(reason, fs.stream().map(f -> CrashSignature.normalise(f.function())).toList()).startsWith(want)) {
                return Optional.of(fs);
            }
        }
        return Optional.empty();
    }

    private static List<CrashReport.Frame> from(List<CrashReport.Frame> frames, int start) {
        List<CrashReport.Frame> out = new ArrayList<>();
        for (int i = start; i < frames.size() && out.size() < CrashSignature.TOP_FRAMES; i++) {
            CrashReport.Frame f = frames.get(i);
            if ("exception".equals(f.kind()) || "guess".equals(f.kind())) {
                break;
            }
            out.add(f);
        }
        return out;
    }
}
