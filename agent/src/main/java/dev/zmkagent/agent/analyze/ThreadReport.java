package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.unwind.ThreadLister;
import dev.zmkagent.coredump.values.FrameValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Converts the unwinder's thread list into the report's thread records. */
final class ThreadReport {
    private ThreadReport() {
    }

    static List<CrashReport.ThreadInfo> of(List<ThreadLister.ThreadEntry> threads) {
        return of(threads, Optional.empty());
    }

    /**
     * With {@code values}, every frame carries its arguments and locals. A switched-out thread's context holds r4-r11
     * (saved by the context switch), so for it a missing callee-saved register is not the dump's doing.
     */
    static List<CrashReport.ThreadInfo> of(List<ThreadLister.ThreadEntry> threads, Optional<FrameValues> values) {
        List<CrashReport.ThreadInfo> out = new ArrayList<>();
        for (ThreadLister.ThreadEntry t : threads) {
            Optional<FrameValues> v = t.current() ? values : values.map(FrameValues::forSavedContext);
            List<CrashReport.Frame> frames = t.backtrace().map(b -> CrashBacktrace.reportFrames(b, v)).orElse(List.of());
            Optional<String> stop = t.backtrace().filter(b -> !b.stopReason().isClean()).map(b -> "backtrace stops: " + b.stopReason().sentence());
            out.add(new CrashReport.ThreadInfo(t.address(), t.name(), t.current(), t.state(), t.stateText(), t.priority(),
                    t.entry().isPresent() ? Optional.of(String.format("0x%08x", t.entry().getAsLong())) : Optional.empty(),
                    t.stack(), t.usedBytes(), frames, stop));
        }
        return out;
    }
}
