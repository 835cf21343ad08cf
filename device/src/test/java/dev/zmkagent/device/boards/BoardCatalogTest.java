package dev.zmkagent.device.boards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardCatalogTest {
    private final BoardCatalog catalog = BoardCatalog.builtin();

    @Test
    void knowsTheZmkDebugLayouts() {
        Board nano = catalog.byId("nice_nano").orElseThrow();
        assertEquals(0x26000, nano.appStart());
        assertEquals(0x71000, nano.variant("zmk_debug").orElseThrow().coredump().orElseThrow().start());
        assertEquals(0x99000, nano.variant("zmk_debug_extra").orElseThrow().coredump().orElseThrow().start());
        assertEquals(0x10000, nano.variant("zmk_debug").orElseThrow().coredump().orElseThrow().size());
        assertTrue(nano.variant("zmk").orElseThrow().coredump().isEmpty());
        Board xiao = catalog.byId("xiao_ble").orElseThrow();
        assertEquals(0x27000, xiao.appStart());
        assertEquals(0x71000, xiao.variant("zmk_debug").orElseThrow().coredump().orElseThrow().start());
        // The debug variants' code partitions end exactly where the coredump partition starts.
        assertEquals(0x71000, nano.variant("zmk_debug").orElseThrow().codeEnd());
        assertEquals(0x99000, nano.variant("zmk_debug_extra").orElseThrow().codeEnd());
        assertEquals(0x71000, xiao.variant("zmk_debug").orElseThrow().codeEnd());
    }

    /**
     * The settings partition (ZMK's storage_partition) where the crash lab's bond scenarios put their NVS records, and
     * past the end of every bootloader's CURRENT.UF2 window (so a CURRENT.UF2 never holds it).
     */
    @Test
    void namesTheSettingsPartitionOfEachBoard() {
        for (String scenario : List.of("nice_nano-bonds", "xiao-bonds-no-types")) {
            dev.zmkagent.coredump.crashlab.CrashLab.Scenario s = dev.zmkagent.coredump.crashlab.CrashLab.scenario(scenario);
            java.util.Map<String, Object> st = s.settings().orElseThrow();
            Board.SettingsPartition p = catalog.byId((String) s.meta().get("board")).orElseThrow().settings().orElseThrow();
            assertEquals(dev.zmkagent.coredump.crashlab.CrashLab.hex(st.get("address")), p.start(), scenario);
            assertEquals(dev.zmkagent.coredump.crashlab.CrashLab.hex(st.get("size")), p.size(), scenario);
            assertEquals(((Number) st.get("sector_size")).intValue(), p.sectorSize(), scenario);
            assertTrue(catalog.windows().stream().allMatch(w -> w.end() <= p.start()), "beyond every CURRENT.UF2 window");
        }
    }

    @Test
    void identifiesBoardsByFamilyAndLabel() {
        assertEquals("nice_nano", catalog.byFamily(0x239A00B3L).orElseThrow().id());
        assertEquals("xiao_ble", catalog.byFamily(0x28860045L).orElseThrow().id());
        assertTrue(catalog.byFamily(0xADA52840L).isEmpty(), "the generic nRF52840 family names no board");
        assertEquals("xiao_ble", catalog.byVolumeLabel("XIAO-SENSE1").orElseThrow().id());
        assertEquals("nice_nano", catalog.byVolumeLabel("nicenano").orElseThrow().id());
    }

    @Test
    void bootloaderWindowsFollowTheVersion() {
        assertEquals(0xAD000, catalog.windowFor("0.6.0").end());
        assertEquals(0xAD000, catalog.windowFor("0.4.0").end());
        assertEquals(0xEA000, catalog.windowFor("0.6.1").end());
        assertEquals(0xEA000, catalog.windowFor("0.6.2-12-g459adc9-dirty").end());
        assertEquals(0xEA000, catalog.windowFor("0.10.0").end());
        assertEquals(0xEA000, catalog.windowFor(null).end());
        assertEquals(3728, catalog.windowFor("0.9.2").blockCount());
    }

    @Test
    void userFileAddsBoards(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("boards.json");
        Files.writeString(f, "{\"boards\":[{\"id\":\"my_board\",\"name\":\"My board\",\"appStart\":\"0x27000\","
                + "\"familyIds\":[\"0x12345678\"],\"variants\":[{\"name\":\"zmk_debug\",\"code\":{\"start\":\"0x27000\",\"size\":\"0x50000\"},"
                + "\"coredump\":{\"start\":\"0x77000\",\"size\":\"0x10000\"}}]}]}");
        BoardCatalog c = BoardCatalog.withUserFile(f);
        assertEquals("my_board", c.byFamily(0x12345678L).orElseThrow().id());
        assertTrue(c.byId("nice_nano").isPresent());
        List<Long> starts = c.knownPartitions().stream().map(k -> k.partition().start()).toList();
        assertTrue(starts.contains(0x77000L));
    }

    @Test
    void badUserFileNamesTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("boards.json");
        Files.writeString(f, "{\"boards\":[{\"id\":\"b\",\"name\":\"B\",\"appStart\":\"0xZZ\"}]}");
        FormatException e = assertThrows(FormatException.class, () -> BoardCatalog.withUserFile(f));
        assertTrue(e.getMessage().contains("b.appStart is not a number: \"0xZZ\""), e.getMessage());
    }
}
