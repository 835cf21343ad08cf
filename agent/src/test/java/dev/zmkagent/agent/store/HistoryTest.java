package dev.zmkagent.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryTest {
    private static StoredCapture capture(String id, Map<String, Object> firmware) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("captured_at", "2026-11-26T07:09:12Z");
        meta.put("board", "nice_nano");
        meta.put("signature", "3f2a9c1b7e04");
        if (firmware != null) {
            meta.put("firmware", firmware);
        }
        return new StoredCapture(Path.of(id), meta);
    }

    @Test
    void firmwareIsNamedByRegistryIdOrByTheElfGivenToReanalyze() {
        Map<String, Object> registered = Map.of("id", "a1b2c3d4e5f6", "name", "zmk", "build_id", "0123456789abcdef0123");
        // What `reanalyze --elf` writes: no registry id.
        Map<String, Object> givenWithBuildId = Map.of("name", "zmk.elf", "elf", "/w/zmk.elf", "elf_sha256", "ffee", "build_id", "99887766554433221100");
        Map<String, Object> givenNoBuildId = Map.of("name", "other.elf", "elf", "/w/other.elf", "elf_sha256", "00112233445566778899");
        History.Group g = History.group(List.of(capture("a", registered), capture("b", givenWithBuildId), capture("c", givenNoBuildId),
                capture("d", null))).get(0);
        assertEquals(List.of("a1b2c3d4e5f6 (build-id 0123456789ab)", "other.elf (sha256 001122334455)", "unknown build",
                "zmk.elf (build-id 998877665544)"), g.firmware());
    }
}
