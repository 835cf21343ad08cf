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
                firmware.add(c.firmware().map(f -> f.get("id") + (f.get("buildId") != null ? " (build-id " + shortId(String.valueOf(f.get("buildId"))) + ")" : ""))
                        .orElse("unknown build"));
            }
            StoredCapture last = cs.get(cs.size() - 1);
            String headline = last.section("dump").map(d -> String.valueOf(d.getOrDefault("headline", ""))).orElse("");
            out.add(new Group(e.getKey(), headline, cs.size(), cs.get(0).capturedAt(), last.capturedAt(), List.copyOf(boards),
                    List.copyOf(firmware), cs.stream().map(StoredCapture::id).toList()));
        }
        out.sort(Comparator.comparing(Group::lastSeen).reversed());
        return out;
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
