package dev.zmkagent.device.crashlab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.crashlab.CrashLab;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our CURRENT.UF2 renderer, fed the flash composed from the fixtures, must reproduce byte for byte the files the lab
 * rendered independently (its Python renderer, checked against QEMU's flash) for all three windows and families.
 */
class CurrentUf2FixtureTest {
    @Test
    void renderingMatchesTheCommittedCurrentUf2Files() throws Exception {
        List<CrashLab.Scenario> withUf2 = CrashLab.scenarios().stream().filter(s -> Files.exists(s.file("CURRENT.UF2"))).toList();
        assertTrue(withUf2.size() >= 3, "three committed CURRENT.UF2 files pin the rendering: " + withUf2);
        for (CrashLab.Scenario s : withUf2) {
            assertArrayEquals(Files.readAllBytes(s.file("CURRENT.UF2")), CrashLabUf2.currentUf2(s), s.name());
        }
    }
}
