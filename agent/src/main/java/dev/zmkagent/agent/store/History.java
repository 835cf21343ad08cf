package dev.zmkagent.agent.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Captures grouped by crash signature: how often, when first and last, on which boards and firmware builds. */
public final class History {
    private History() {
    }

    public record Group(String signature, String headline, int count, Instant firstSeen, Instant lastSeen, List<String> boards,
                        List<String> firmware, List<String> captures) {
    }

    public static List<Group> group(List<StoredCapture> captures) {
        Map<String, List<StoredCapture>> bySig = new LinkedHashMap<>();
        for (StoredCapture c : captures) {
            bySig.computeIfAbsent(c.signature(), k -> new ArrayList<>()).add(c);
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<String, List<StoredCapture>> e : bySig.entrySet()) {
            List<StoredCapture> cs = e.getValue();
            cs.sort(Comparator.comparing(StoredCapture::capturedAt));
            TreeSet<String> boards = new TreeSet<>();
            TreeSet<String> firmware = new TreeSet<>();
            for (StoredCapture c : cs) {
                boards.add(c.board());
                firmware.add(c.firmware().map(History::firmwareLabel).orElse("unknown build"));
            }
            StoredCapture last = cs.get(cs.size() - 1);
            String headline = last.section("dump").map(d -> String.valueOf(d.getOrDefault("headline", ""))).orElse("");
            out.add(new Group(e.getKey(), headline, cs.size(), cs.get(0).capturedAt(), last.capturedAt(), List.copyOf(boards),
                    List.copyOf(firmware), cs.stream().map(StoredCapture::id).toList()));
        }
        out.sort(Comparator.comparing(Group::lastSeen).reversed());
        return out;
    }

    /**
     * A registered build is named by its registry id; an ELF given to {@code reanalyze --elf} has no id, so by its file
     * name. Then the GNU build ID, or else the ELF's SHA-256, so two builds of the same name stay apart.
     */
    static String firmwareLabel(Map<String, Object> f) {
        Object name = f.get("id") != null ? f.get("id") : f.get("name") != null ? f.get("name") : f.get("elf");
        String label = name != null ? String.valueOf(name) : "unnamed ELF";
        if (f.get("build_id") != null) {
            return label + " (build-id " + shortId(String.valueOf(f.get("build_id"))) + ")";
        }
        return f.get("id") == null && f.get("elf_sha256") != null ? label + " (sha256 " + shortId(String.valueOf(f.get("elf_sha256"))) + ")" : label;
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
