package dev.zmkagent.device.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InfoUf2Test {
    private final BoardCatalog catalog = BoardCatalog.builtin();

    @Test
    void readsTheBootloader060FormWithVersionWordAndDateLast() {
        // Field-reported nice!nano 0.6.0 INFO_UF2.TXT.
        InfoUf2 i = InfoUf2.parse("UF2 Bootloader 0.6.0 lib/nrfx (v2.0.0) lib/tinyusb (0.10.1-41-gdf0cda2d) lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)\r\n"
                + "Model: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\nSoftDevice: S140 version 6.1.1\r\nDate: Jun 19 2021\r\n");
        assertEquals(Optional.of("0.6.0"), i.bootloaderVersion());
        assertEquals(Optional.of("nice!nano"), i.model());
        assertEquals(Optional.of("nRF52840-nicenano"), i.boardId());
        assertEquals(Optional.of("Jun 19 2021"), i.date());
        assertEquals(Optional.of(new SoftDevice(140, 6, 1, 1)), i.softDevice());
        assertEquals(0x26000, i.softDevice().get().appStart().getAsLong());
    }

    @Test
    void readsThe070AndLaterFormWithDateBeforeSoftDevice() {
        InfoUf2 i = InfoUf2.parse("UF2 Bootloader 0.8.0 lib/nrfx (v2.0.0)\nModel: Seeed XIAO nRF52840\nBoard-ID: nRF52840-SeeedXiao-v1\n"
                + "Date: Jan 12 2023\nSoftDevice: S140 7.3.0\n");
        assertEquals(Optional.of("0.8.0"), i.bootloaderVersion());
        assertEquals(Optional.of(new SoftDevice(140, 7, 3, 0)), i.softDevice());
        assertEquals(0x27000, i.softDevice().get().appStart().getAsLong());
        assertEquals(0x0123, i.softDevice().get().firmwareId().getAsLong());
    }

    @Test
    void softDeviceNotFoundIsReportedNotGuessed() {
        InfoUf2 i = InfoUf2.parse("UF2 Bootloader 0.7.0\r\nModel: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\nDate: x\r\nSoftDevice: not found\r\n");
        assertTrue(i.softDevice().isEmpty());
        assertTrue(i.softDeviceNotFound());
        BootloaderTarget t = BootloaderTarget.of(catalog, catalog.byId("nice_nano").orElseThrow(), Optional.of(i), Optional.empty());
        assertFalse(t.softDeviceFromInfo());
        assertTrue(t.notes().stream().anyMatch(n -> n.contains("no SoftDevice")));
    }

    @Test
    void garbageGivesEmptyFieldsNotErrors() {
        InfoUf2 i = InfoUf2.parse(new byte[] {0, 1, 2, (byte) 0xFF, '\n', ':'});
        assertTrue(i.bootloaderVersion().isEmpty());
        assertTrue(i.boardId().isEmpty());
    }

    @Test
    void seeedFactoryBoardIdMatchesLooselyAndVersionPicksTheNewWindow() {
        InfoUf2 i = InfoUf2.parse("UF2 Bootloader 0.6.2-12-g459adc9-dirty lib/nrfx\r\nModel: Seeed XIAO nRF52840\r\n"
                + "Board-ID: Seeed_XIAO_nRF52840_Sense\r\nSoftDevice: S140 version 7.3.0\r\nDate: Nov 12 2021\r\n");
        Identification id = new BoardIdentifier(catalog).identify(Optional.of(i), Optional.of("XIAO-SENSE1"), Optional.empty());
        assertEquals("xiao_ble", id.board().orElseThrow().id());
        assertTrue(id.conflicts().isEmpty(), id.conflicts().toString());
        BootloaderTarget t = BootloaderTarget.of(catalog, id.board().get(), Optional.of(i), Optional.of(0x28860045L));
        assertEquals(0xEA000, t.window().end());
        assertEquals(0x27000, t.appStart());
        assertTrue(t.acceptedFamilies().contains(0x28860045L));
        assertFalse(t.acceptedFamilies().contains(0x28860044L), "a Sense bootloader drops the XIAO-BOOT family");
    }

    @Test
    void boardIdSpellingDoesNotMatter() {
        BoardIdentifier b = new BoardIdentifier(catalog);
        assertEquals("xiao_ble", b.byBoardId("nrf52840_seeedxiao_V1").orElseThrow().id());
        assertEquals("nice_nano", b.byBoardId("NRF52840-NICENANO").orElseThrow().id());
        assertTrue(b.byBoardId("nRF52840-feather").isEmpty());
    }

    @Test
    void labelAndUsbAloneIdentifyAndDisagreementIsReported() {
        BoardIdentifier b = new BoardIdentifier(catalog);
        Identification byLabel = b.identify(Optional.empty(), Optional.of("NICENANO"), Optional.empty());
        assertEquals("nice_nano", byLabel.board().orElseThrow().id());
        Identification mixed = b.identify(Optional.empty(), Optional.of("NICENANO"), Optional.of(new Board.UsbId(0x2886, 0x0044)));
        assertEquals("nice_nano", mixed.board().orElseThrow().id());
        assertEquals(1, mixed.conflicts().size());
    }

    @Test
    void oldWindowFor060() {
        InfoUf2 i = InfoUf2.parse("UF2 Bootloader 0.6.0\r\nBoard-ID: nRF52840-nicenano\r\nSoftDevice: S140 version 6.1.1\r\n");
        BootloaderTarget t = BootloaderTarget.of(catalog, catalog.byId("nice_nano").orElseThrow(), Optional.of(i), Optional.of(0x239A00B3L));
        assertEquals(0x1000, t.window().start());
        assertEquals(0xAD000, t.window().end());
        assertEquals(2752, t.window().blockCount());
    }
}
