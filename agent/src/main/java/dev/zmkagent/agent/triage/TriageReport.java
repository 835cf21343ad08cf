package dev.zmkagent.agent.triage;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The triage table as text, as Markdown for a GitHub comment, and as JSON (schema {@value #SCHEMA}, docs/triage.md). */
public final class TriageReport {
    public static final String SCHEMA = "zmk-agent.triage/1";
    private static final String[] HEADER = {"signature", "count", "reason", "top frames", "boards", "firmware", "first seen", "last seen"};

    private TriageReport() {
    }

    private static List<String[]> rows(Triage.Result r) {
        List<String[]> rows = new ArrayList<>();
        for (Triage.Group g : r.groups()) {
            rows.add(new String[] {g.signature(), Integer.toString(g.count()), g.reason(), topFrames(g),
                    String.join(", ", g.boards()), String.join(", ", g.firmware()), time(g.firstSeen()), time(g.lastSeen())});
        }
        return rows;
    }

    /** The frames innermost first, each followed by its tag when it is not certain: {@code binding_param [i] < hold_tap_binding_pressed}. */
    static String topFrames(Triage.Group g) {
        List<List<String>> labels = g.frameLabels();
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < g.frames().size(); i++) {
            String tag = SignatureFrames.tag(labels.get(i));
            cells.add(tag.isEmpty() ? g.frames().get(i) : g.frames().get(i) + " " + tag);
        }
        return String.join(" < ", cells);
    }

    private static Optional<String> legend(Triage.Result r) {
        return SignatureFrames.legend(r.groups().stream().map(Triage.Group::frameLabels).toList());
    }

    public static String text(Triage.Result r) {
        StringBuilder s = new StringBuilder();
        int dumps = r.groups().stream().mapToInt(Triage.Group::count).sum();
        s.append(String.format("%d crash%s in %d group%s%s%n", dumps, dumps == 1 ? "" : "es", r.groups().size(), r.groups().size() == 1 ? "" : "s",
                r.duplicates() > 0 ? String.format(" (%d duplicate dump%s counted once)", r.duplicates(), r.duplicates() == 1 ? "" : "s") : ""));
        if (!r.groups().isEmpty()) {
            List<String[]> rows = rows(r);
            int[] w = new int[HEADER.length];
            for (int i = 0; i < HEADER.length; i++) {
                w[i] = HEADER[i].length();
                for (String[] row : rows) {
                    w[i] = Math.max(w[i], row[i].length());
                }
            }
            s.append('\n');
            line(s, HEADER, w);
            for (String[] row : rows) {
                line(s, row, w);
            }
            legend(r).ifPresent(l -> s.append(l).append('\n'));
            for (Triage.Group g : r.groups()) {
                s.append('\n').append(g.signature()).append("  ").append(g.headline()).append('\n');
                for (Triage.Member m : g.members()) {
                    s.append("    ").append(m.analysis().dump()).append(m.input().equals(m.analysis().dump()) ? "" : "  (from " + m.input() + ")").append('\n');
                }
            }
        }
        if (!r.failed().isEmpty()) {
            s.append(String.format("%nNot triaged (%d):%n", r.failed().size()));
            for (Triage.Failure f : r.failed()) {
                s.append("    ").append(f.input()).append(": ").append(f.error()).append('\n');
            }
        }
        return s.toString();
    }

    private static void line(StringBuilder s, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            l.append(i == 0 ? "" : "  ").append(i == 1 ? pad(cells[i], w[i], true) : pad(cells[i], w[i], false));
        }
        s.append(l.toString().stripTrailing()).append('\n');
    }

    private static String pad(String x, int w, boolean right) {
        String sp = " ".repeat(Math.max(0, w - x.length()));
        return right ? sp + x : x + sp;
    }

    public static String markdown(Triage.Result r) {
        StringBuilder s = new StringBuilder();
        int dumps = r.groups().stream().mapToInt(Triage.Group::count).sum();
        s.append(String.format("**%d crash%s in %d group%s**%s%n%n", dumps, dumps == 1 ? "" : "es", r.groups().size(), r.groups().size() == 1 ? "" : "s",
                r.duplicates() > 0 ? String.format(" (%d duplicate dump%s counted once)", r.duplicates(), r.duplicates() == 1 ? "" : "s") : ""));
        if (!r.groups().isEmpty()) {
            s.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
            s.append("|---|---:|---|---|---|---|---|---|\n");
            for (String[] row : rows(r)) {
                s.append('|');
                for (int i = 0; i < row.length; i++) {
                    String cell = md(row[i]);
                    s.append(' ').append(i == 0 || i == 2 || i == 3 ? (cell.isEmpty() ? "" : "`" + row[i].replace("`", "'") + "`") : cell).append(" |");
                }
                s.append('\n');
            }
            legend(r).ifPresent(l -> s.append('\n').append(md(l)).append('\n'));
            s.append("\n<details><summary>Inputs per group</summary>\n\n");
            for (Triage.Group g : r.groups()) {
                s.append("- `").append(g.signature()).append("` ").append(md(g.headline())).append(": ")
                        .append(String.join(", ", g.members().stream().map(m -> "`" + m.analysis().dump().replace("`", "'") + "`").toList())).append('\n');
            }
            s.append("\n</details>\n");
        }
        if (!r.failed().isEmpty()) {
            s.append("\nNot triaged:\n\n");
            for (Triage.Failure f : r.failed()) {
                s.append("- `").append(f.input().replace("`", "'")).append("`: ").append(md(f.error())).append('\n');
            }
        }
        return s.toString();
    }

    private static String md(String x) {
        return x.replace("|", "\\|").replace("\n", " ");
    }

    public static String json(Triage.Result r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", SCHEMA);
        List<Object> groups = new ArrayList<>();
        for (Triage.Group g : r.groups()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("signature", g.signature());
            m.put("count", g.count());
            m.put("inputs", g.inputs());
            m.put("reason", g.reason());
            m.put("frames", g.frames());
            m.put("frame_labels", g.frameLabels());
            m.put("headline", g.headline());
            m.put("boards", g.boards());
            m.put("firmware", g.firmware());
            m.put("first_seen", g.firstSeen().map(Instant::toString).orElse(null));
            m.put("last_seen", g.lastSeen().map(Instant::toString).orElse(null));
            List<Object> dumps = new ArrayList<>();
            for (Triage.Member mem : g.members()) {
                DumpAnalysis d = mem.analysis();
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("input", mem.input());
                x.put("dump", d.dump());
                x.put("also_in", d.alsoIn());
                x.put("elf", d.elf().orElse(null));
                x.put("board", d.board().orElse(null));
                x.put("firmware", d.firmware().orElse(null));
                x.put("seen", d.seen().map(Instant::toString).orElse(null));
                x.put("dump_sha256", d.dumpSha256());
                dumps.add(x);
            }
            m.put("dumps", dumps);
            groups.add(m);
        }
        root.put("groups", groups);
        List<Object> failed = new ArrayList<>();
        for (Triage.Failure f : r.failed()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", f.input());
            m.put("error", f.error());
            failed.add(m);
        }
        root.put("failed", failed);
        root.put("duplicates", r.duplicates());
        try {
            return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String time(Optional<Instant> t) {
        return t.map(i -> i.toString().replaceAll("\\.\\d+Z$", "Z")).orElse("?");
    }
}
