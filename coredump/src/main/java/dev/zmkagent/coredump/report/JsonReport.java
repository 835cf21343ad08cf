package dev.zmkagent.coredump.report;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable JSON form of a report. Schema "zmk-agent.report/1", documented in docs/report-json.md: fields are only
 * ever added; values that are unknown are null, never zero.
 */
public final class JsonReport {
    public static final String SCHEMA = "zmk-agent.report/1";

    private JsonReport() {
    }

    public static String render(CrashReport r) {
        try {
            return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES).asString(toMap(r)) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON objects of {@code list} (package-private for tests). */
    static List<Object> frameMaps(List<CrashReport.Frame> list) {
        List<Object> frames = new ArrayList<>();
        for (CrashReport.Frame f : list) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("index", f.index());
            fm.put("pc", f.pc().isPresent() ? Hex.word(f.pc().getAsLong()) : null);
            fm.put("function", f.function());
            fm.put("file", f.file());
            fm.put("line", f.line() > 0 ? f.line() : null);
            fm.put("inlined", f.inlined());
            // "kind" as it always was (inlined frames: "inlined", or "guess" in a guessed frame); "frame_kind" says how
            // the machine frame an inlined function runs in was found
            fm.put("kind", f.inlined() && !"guess".equals(f.kind()) ? "inlined" : f.kind());
            fm.put("frame_kind", f.kind());
            fm.put("args", variables(f.args()));
            fm.put("locals", variables(f.locals()));
            f.nullCall().ifPresent(c -> {
                Map<String, Object> nc = new LinkedHashMap<>();
                nc.put("caller", c.caller());
                nc.put("file", c.file());
                nc.put("line", c.line() > 0 ? c.line() : null);
                nc.put("return_address", Hex.word(c.returnAddress()));
                nc.put("through", c.registerCall() ? "blx" : "jump");
                nc.put("text", c.sentence());
                fm.put("null_call", nc);
            });
            frames.add(fm);
        }
        return frames;
    }

    private static List<Object> variables(List<CrashReport.Variable> list) {
        List<Object> out = new ArrayList<>();
        for (CrashReport.Variable v : list) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("name", v.name());
            vm.put("type", v.type());
            vm.put("value", v.value());
            vm.put("entry_value", v.entryValue().orElse(null));
            vm.put("unavailable_reason", v.unavailableReason().orElse(null));
            out.add(vm);
        }
        return out;
    }

    public static Map<String, Object> toMap(CrashReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("kind", r.input().kind());
        input.put("path", r.input().path());
        input.put("description", r.input().description());
        input.put("base", r.input().base().isPresent() ? Hex.addr(r.input().base().getAsLong()) : null);
        input.put("board", r.input().board().orElse(null));
        input.put("bootloader_window", r.input().bootloaderWindow().orElse(null));
        m.put("input", input);

        CrashReport.Partition p = r.partition();
        Map<String, Object> dump = new LinkedHashMap<>();
        dump.put("found", r.dump().isPresent());
        dump.put("partition_address", p.address().isPresent() ? Hex.addr(p.address().getAsLong()) : null);
        dump.put("partition_size", p.size().isPresent() ? p.size().getAsLong() : null);
        dump.put("found_by", p.how());
        dump.put("header_state", p.headerState());
        dump.put("checksum_ok", p.checksumOk().orElse(null));
        dump.put("interrupted", p.interrupted());
        dump.put("stream_size", p.streamSize().isPresent() ? p.streamSize().getAsLong() : null);
        dump.put("truncated", r.dump().map(CrashReport.Dump::truncated).orElse(null));
        dump.put("header_version", r.dump().map(CrashReport.Dump::headerVersion).orElse(null));
        dump.put("arch_version", r.dump().map(CrashReport.Dump::archVersion).orElse(null));
        m.put("dump", dump);

        if (r.dump().isPresent()) {
            CrashReport.Dump d = r.dump().get();
            Map<String, Object> reason = new LinkedHashMap<>();
            reason.put("code", d.reasonCode());
            reason.put("name", d.reasonName());
            reason.put("meaning", d.reasonMeaning());
            reason.put("fault_address", d.faultAddress().isPresent() ? Hex.word(d.faultAddress().getAsLong()) : null);
            m.put("reason", reason);
            Map<String, Object> regs = new LinkedHashMap<>();
            for (CrashReport.Register reg : d.registers()) {
                regs.put(reg.name(), reg.hex());
            }
            m.put("registers", regs);
            m.put("xpsr_decoded", d.xpsr());
            m.put("exc_return", d.excReturn().orElse(null));
            m.put("pc_location", d.pcLocation().orElse(null));
            m.put("lr_location", d.lrLocation().orElse(null));
        } else {
            m.put("reason", null);
            m.put("registers", null);
        }
        m.put("fault_status", r.faultStatus());
        m.put("frames", frameMaps(r.frames()));

        List<Object> mem = new ArrayList<>();
        for (CrashReport.MemoryRange mr : r.memory()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("start", Hex.word(mr.range().start()));
            mm.put("end", Hex.word(mr.range().end()));
            mm.put("size", mr.range().length());
            mm.put("present", mr.present());
            mm.put("source", mr.source());
            mem.add(mm);
        }
        m.put("memory", mem);

        if (r.firmware().isPresent()) {
            CrashReport.Firmware fw = r.firmware().get();
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("elf", fw.path());
            f.put("build_id", fw.buildId().orElse(null));
            f.put("identity", fw.identity());
            f.put("identity_mismatch", fw.identityMismatch());
            m.put("firmware", f);
        } else {
            m.put("firmware", null);
        }
        m.put("diagnosis", r.diagnosis());
        m.put("warnings", r.warnings());
        m.put("signature", r.signature().orElse(null));
        List<Object> threads = new ArrayList<>();
        for (CrashReport.ThreadInfo t : r.threads()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("address", Hex.word(t.address()));
            tm.put("name", t.name());
            tm.put("current", t.current());
            tm.put("state", t.state().isPresent() ? Hex.addr(t.state().getAsLong()) : null);
            tm.put("state_text", t.stateText().orElse(null));
            tm.put("priority", t.priority().isPresent() ? (Object) (int) t.priority().getAsLong() : null);
            tm.put("entry", t.entry().orElse(null));
            tm.put("stack_start", t.stack().map(a -> Hex.word(a.start())).orElse(null));
            tm.put("stack_end", t.stack().map(a -> Hex.word(a.end())).orElse(null));
            tm.put("stack_used", t.usedBytes().isPresent() ? t.usedBytes().getAsLong() : null);
            tm.put("frames", frameMaps(t.frames()));
            tm.put("stop_reason", t.stopReason().orElse(null));
            threads.add(tm);
        }
        m.put("threads", threads);
        return m;
    }
}
