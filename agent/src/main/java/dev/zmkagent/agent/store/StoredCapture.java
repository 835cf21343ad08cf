package dev.zmkagent.agent.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A capture folder and its metadata ({@code capture.json}, schema {@value CaptureStore#SCHEMA}). */
public record StoredCapture(Path dir, Map<String, Object> metadata) {
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
