package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.unwind.ThreadLister;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Converts the unwinder's thread list into the report's thread records. */
final class ThreadReport {
    private ThreadReport() {
    }

    static List<CrashReport.ThreadInfo> of(List<ThreadLister.ThreadEntry> threads) {
        List<CrashReport.ThreadInfo> out = new ArrayList<>();
        for (ThreadLister.ThreadEntry t : threads) {
            List<CrashReport.Frame> frames = t.backtrace().map(CrashBacktrace::reportFrames).orElse(List.of());
            Optional<String> stop = t.backtrace().filter(b -> !b.stopReason().isClean()).map(b -> "backtrace stops: " + b.stopReason().sentence());
            out.add(new CrashReport.ThreadInfo(t.address(), t.name(), t.current(), t.state(), t.stateText(), t.priority(),
                    t.entry().isPresent() ? Optional.of(String.format("0x%08x", t.entry().getAsLong())) : Optional.empty(),
                    t.stack(), t.usedBytes(), frames, stop));
        }
        return out;
    }
}
