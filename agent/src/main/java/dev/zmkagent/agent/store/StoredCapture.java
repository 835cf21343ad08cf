package dev.zmkagent.agent.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A capture folder and its metadata ({@code capture.json}, schema {@value CaptureStore#SCHEMA}). */
public record StoredCapture(Path dir, Map<String, Object> metadata) {
    /** What makes a capture.json unusable, if anything: the fields every listing and grouping reads must have their types. */
    static Optional<String> problemWith(Map<String, Object> meta) {
        Object at = meta.get("captured_at");
        if (!(at instanceof String s)) {
            return Optional.of("it has no captured_at time");
        }
        try {
            Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.of("its captured_at is not a time: " + dev.zmkagent.coredump.bytes.SafeText.of(s));
        }
        for (String section : List.of("partition", "dump", "firmware", "drive")) {
            Object o = meta.get(section);
            if (o != null && !(o instanceof Map)) {
                return Optional.of("its " + section + " is not an object");
            }
        }
        Object part = meta.get("partition");
        if (!(part instanceof Map<?, ?> m) || !(m.get("sha256") instanceof String)) {
            return Optional.of("it has no partition.sha256");
        }
        if (m.get("address") != null && address(m.get("address")).isEmpty()) {
            return Optional.of("its partition.address is not an address: " + dev.zmkagent.coredump.bytes.SafeText.of(String.valueOf(m.get("address"))));
        }
        Object drive = meta.get("drive");
        if (drive instanceof Map<?, ?> d && d.get("window") != null && window(d.get("window")).isEmpty()) {
            return Optional.of("its drive.window is not an address range: " + dev.zmkagent.coredump.bytes.SafeText.of(String.valueOf(d.get("window"))));
        }
        return Optional.empty();
    }

    /** The coredump partition's flash address as capture recorded it ("0x71000"); 0 when it did not record one. */
    public long partitionAddress() {
        return section("partition").map(p -> p.get("address")).flatMap(StoredCapture::address).orElse(0L);
    }

    /** The CURRENT.UF2 window the drive showed, as {start, end}, when capture recorded it ("0x1000-0xea000"). */
    public Optional<long[]> driveWindow() {
        return section("drive").map(d -> d.get("window")).flatMap(StoredCapture::window);
    }

    private static Optional<Long> address(Object o) {
        if (o instanceof Number n) {
            return n.longValue() >= 0 ? Optional.of(n.longValue()) : Optional.empty();
        }
        try {
            long v = Long.decode(String.valueOf(o));
            return v >= 0 && v <= 0xFFFF_FFFFL ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<long[]> window(Object o) {
        String[] p = String.valueOf(o).split("-");
        if (p.length != 2) {
            return Optional.empty();
        }
        Optional<Long> start = address(p[0]);
        Optional<Long> end = address(p[1]);
        return start.isPresent() && end.isPresent() && start.get() < end.get()
                ? Optional.of(new long[] {start.get(), end.get()}) : Optional.empty();
    }

    /** Files the capture could not keep (a full disk), with the reason: {@code CURRENT.UF2 → no space left ...}. */
    public Map<String, String> notKept() {
        Object o = metadata.get("not_kept");
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (o instanceof List<?> l) {
            for (Object e : l) {
                if (e instanceof Map<?, ?> m && m.get("file") != null) {
                    out.put(String.valueOf(m.get("file")), String.valueOf(m.get("reason")));
                }
            }
        }
        return out;
    }

    public String id() {
        return dir.getFileName().toString();
    }

    public Instant capturedAt() {
        Object t = metadata.get("captured_at");
        return t instanceof String s ? Instant.parse(s) : Instant.EPOCH;
    }

    public String signature() {
        return text("signature").orElse("unknown");
    }

    public String board() {
        return text("board").orElse("unknown");
    }

    public Optional<String> function() {
        return section("dump").map(d -> d.get("function")).filter(String.class::isInstance).map(String.class::cast);
    }

    public Optional<String> reason() {
        return section("dump").map(d -> d.get("reason")).filter(String.class::isInstance).map(String.class::cast);
    }

    public String partitionSha256() {
        return section("partition").map(p -> (String) p.get("sha256")).orElse("");
    }

    /** The registered firmware this capture was analyzed with, or empty. */
    public Optional<Map<String, Object>> firmware() {
        return section("firmware");
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public Optional<String> text(String key) {
        Object o = metadata.get(key);
        return o == null ? Optional.empty() : Optional.of(String.valueOf(o));
    }

    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> section(String key) {
        Object o = metadata.get(key);
        return o instanceof Map<?, ?> m ? Optional.of((Map<String, Object>) m) : Optional.empty();
    }
}
