package dev.zmkagent.agent.capture;

import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.coredump.report.CrashReport;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The one place captures get their crash signature and headline from. When the analysis carries a signature (the
 * unwinder's, over reason and backtrace) it is used; until then: SHA-256 over the fault reason and the crashing
 * function (or the pc when there are no symbols), 12 hex digits.
 */
public final class CrashSignatures {
    private CrashSignatures() {
    }

    public static String of(CrashReport r) {
        if (r.signature().isPresent()) {
            String s = r.signature().get();
            return s.length() > 12 ? s.substring(0, 12) : s;
        }
        if (r.dump().isEmpty()) {
            return "no-dump";
        }
        String input = "zmk-agent-capture-signature-v0\n" + r.dump().get().reasonName() + "\n" + crashingFunction(r).orElse("??") + "\n";
        return FirmwareRegistry.sha256(input.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    /**
     * The function the fault happened in (the first named frame below the leading fault frame), or the pc in hex
     * when the ELF is unknown.
     */
    public static Optional<String> crashingFunction(CrashReport r) {
        for (CrashReport.Frame f : r.frames()) {
            if (f.function() != null && !f.function().isEmpty() && !"exception".equals(f.kind()) && !"??".equals(f.function())) {
                return Optional.of(f.function());
            }
        }
        for (CrashReport.Frame f : r.frames()) {
            if (f.pc().isPresent()) {
                return Optional.of(String.format("0x%08x", f.pc().getAsLong()));
            }
        }
        return Optional.empty();
    }

    /** One line for a notification or a log: "BusFault in foo_bar (precise data bus error)". */
    public static String headline(CrashReport r) {
        if (r.dump().isEmpty()) {
            return "no coredump";
        }
        CrashReport.Dump d = r.dump().get();
        return d.reasonName() + crashingFunction(r).map(f -> " in " + f).orElse("");
    }
}
