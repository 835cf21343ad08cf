package dev.zmkagent.agent.triage;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code analyze ATTACHMENT}'s output: which files were used (dump, same dump elsewhere, ELF and why), then one
 * ordinary report per dump. JSON: schema {@value #SCHEMA}, each dump's report in the {@code zmk-agent.report/1} form.
 */
public final class AttachmentReport {
    public static final String SCHEMA = "zmk-agent.attachment/1";

    private AttachmentReport() {
    }

    static String usedFiles(DumpAnalysis d) {
        StringBuilder s = new StringBuilder();
        s.append("dump: ").append(d.dump()).append('\n');
        if (!d.alsoIn().isEmpty()) {
            s.append("same dump also in: ").append(String.join(", ", d.alsoIn())).append('\n');
        }
        s.append("ELF: ").append(d.elf().orElse("none")).append(" (").append(d.elfChoice()).append(")\n");
        return s.toString();
    }

    private static String header(AttachmentAnalysis a) {
        StringBuilder s = new StringBuilder();
        s.append(a.given()).append(": ").append(a.dumps().size()).append(a.dumps().size() == 1 ? " dump" : " dumps");
        s.append(", ").append(a.elfs().size()).append(a.elfs().size() == 1 ? " ELF" : " ELFs").append('\n');
        for (String f : a.firmwareImages()) {
            s.append("firmware image without a dump: ").append(f).append('\n');
        }
        for (String f : a.ignored()) {
            s.append("not used: ").append(f).append('\n');
        }
        return s.toString();
    }

    public static String text(AttachmentAnalysis a, boolean color, boolean threads) {
        StringBuilder s = new StringBuilder(header(a));
        int i = 1;
        for (DumpAnalysis d : a.dumps()) {
            s.append(String.format("%n=== dump %d of %d ===%n", i++, a.dumps().size())).append(usedFiles(d)).append('\n');
            s.append(TextReport.render(d.report(), color, threads));
        }
        return s.toString();
    }

    public static String markdown(AttachmentAnalysis a) {
        StringBuilder s = new StringBuilder();
        s.append("Attachment `").append(a.given()).append("`\n\n");
        int i = 1;
        for (DumpAnalysis d : a.dumps()) {
            s.append(String.format("## Dump %d of %d%n%n", i++, a.dumps().size()));
            for (String line : usedFiles(d).split("\n")) {
                s.append("- ").append(line).append('\n');
            }
            s.append('\n').append(MarkdownReport.render(d.report())).append('\n');
        }
        return s.toString();
    }

    public static String json(AttachmentAnalysis a) {
        try {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("schema", SCHEMA);
            root.put("attachment", a.given());
            List<Object> dumps = new ArrayList<>();
            for (DumpAnalysis d : a.dumps()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("dump", d.dump());
                m.put("also_in", d.alsoIn());
                m.put("elf", d.elf().orElse(null));
                m.put("elf_choice", d.elfChoice());
                m.put("board", d.board().orElse(null));
                m.put("dump_sha256", d.dumpSha256());
                m.put("report", JSON.std.anyFrom(JsonReport.render(d.report())));
                dumps.add(m);
            }
            root.put("dumps", dumps);
            root.put("elfs", a.elfs());
            root.put("firmware_images", a.firmwareImages());
            root.put("not_used", a.ignored());
            return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
