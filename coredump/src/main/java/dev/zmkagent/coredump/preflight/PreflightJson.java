package dev.zmkagent.coredump.preflight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The --json form: {"coredump": {"enabled", "backend", "memory_mode", "predicted_stream_bytes", "predicted_stream_worst_case",
 * "partition_bytes",
 * "truncated_at", "lost", "registers_r4_r11", "thread_metadata"}, "advice": [...]}. Unknown values are null.
 */
public final class PreflightJson {
    private PreflightJson() {
    }

    public static Map<String, Object> toMap(Preflight p, Long partitionBytes) {
        CoredumpBuild b = p.build();
        Map<String, Object> cd = new LinkedHashMap<>();
        cd.put("enabled", b.enabled());
        cd.put("backend", b.backend().map(Backend::id).orElse(null));
        cd.put("memory_mode", b.memoryMode().map(Enum::name).orElse(null));
        cd.put("predicted_stream_bytes", b.enabled() ? p.predictedStreamBytes() : null);
        // MIN: the figure is the worst case over the threads (the faulting one is known only at the crash).
        cd.put("predicted_stream_worst_case", b.enabled() && b.memoryMode().isPresent() ? p.worstCase() : null);
        cd.put("partition_bytes", partitionBytes);
        cd.put("truncated_at", p.truncatedAt().isPresent() ? String.format("0x%08x", p.truncatedAt().getAsLong()) : null);
        List<Object> lost = new ArrayList<>();
        for (LostObject o : p.lost()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", o.name());
            m.put("address", String.format("0x%08x", o.address()));
            m.put("size", o.size());
            m.put("bytes_lost", o.bytesLost());
            m.put("what", o.what());
            lost.add(m);
        }
        cd.put("lost", lost);
        cd.put("registers_r4_r11", b.enabled() ? b.extraExceptionInfo().orElse(null) : Boolean.FALSE);
        cd.put("thread_metadata", b.enabled() && (b.threadsMetadata() || b.memoryMode().orElse(null) == MemoryMode.THREADS));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("coredump", cd);
        List<Object> advice = new ArrayList<>();
        for (Advice a : p.advice()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kconfig", a.kconfig());
            m.put("why", a.why());
            advice.add(m);
        }
        root.put("advice", advice);
        return root;
    }
}
