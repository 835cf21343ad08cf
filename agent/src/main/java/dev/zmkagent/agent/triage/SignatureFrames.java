package dev.zmkagent.agent.triage;

import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.unwind.CrashSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The frames a report's crash signature was computed over, recovered from the report: the report drops the
 * unwinder's leading fault frame, so the frames the signature covers start either at frame 0 or after the first
 * exception boundary. Each candidate is hashed the way {@link CrashSignature} does and kept only when it gives the
 * report's signature, so what is shown is provably what was hashed.
 */
final class SignatureFrames {
    private SignatureFrames() {
    }

    static Optional<List<String>> of(CrashReport r) {
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
            List<String> names = from(r.frames(), start);
            if (CrashSignature.compute(reason, names).startsWith(want)) {
                return Optional.of(names);
            }
        }
        return Optional.empty();
    }

    private static List<String> from(List<CrashReport.Frame> frames, int start) {
        List<String> names = new ArrayList<>();
        for (int i = start; i < frames.size() && names.size() < CrashSignature.TOP_FRAMES; i++) {
            CrashReport.Frame f = frames.get(i);
            if ("exception".equals(f.kind()) || "guess".equals(f.kind())) {
                break;
            }
            names.add(CrashSignature.normalise(f.function()));
        }
        return names;
    }
}
