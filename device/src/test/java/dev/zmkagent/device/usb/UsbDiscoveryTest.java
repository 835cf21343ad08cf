package dev.zmkagent.device.usb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsbDiscoveryTest {
    @TempDir
    Path tmp;

    private static final UsbDevice NANO = new UsbDevice(0x239A, 0x00B3, "1-2", Optional.of("Nice Keyboards"), Optional.of("nice!nano"),
            Optional.of("A1B2C3D4E5F60718"), "recorded");

    @Test
    void sysfsListsOnlyTheWantedDevicesWithTheirStrings() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("bus/usb/devices"));
        device(devices, "1-2", "239a", "00b3", "Nice Keyboards", "nice!nano", "A1B2C3D4E5F60718");
        device(devices, "1-3", "046d", "c52b", "Logitech", "USB Receiver", null);
        Files.createDirectories(devices.resolve("1-2:1.0")); // an interface: no idVendor
        Map<Board.UsbId, String> known = KnownUsbIds.of(BoardCatalog.builtin(), List.of());
        UsbScan scan = new SysfsUsbSource(tmp).scan(known.keySet());
        assertEquals(UsbScan.Status.OK, scan.status());
        assertEquals(1, scan.devices().size());
        UsbDevice d = scan.devices().get(0);
        assertEquals(new Board.UsbId(0x239A, 0x00B3), d.id());
        assertEquals(Optional.of("nice!nano"), d.product());
        assertEquals(Optional.of("A1B2C3D4E5F60718"), d.serialNumber());
        assertEquals(2, new SysfsUsbSource(tmp).scan(Set.of()).devices().size());
    }

    @Test
    void noUsbInSysfsIsSaidPlainly() {
        UsbScan scan = new SysfsUsbSource(tmp.resolve("empty")).scan(Set.of());
        assertEquals(UsbScan.Status.NO_USB, scan.status());
        assertTrue(scan.message().contains("no USB"));
    }

    @Test
    void libusbNeverThrowsWhateverTheMachine() {
        // On the CI box the kernel has no USB at all; on a desktop it lists devices. Either way: a status, no exception.
        UsbScan scan = new LibUsbSource().scan(KnownUsbIds.of(BoardCatalog.builtin(), List.of()).keySet());
        assertNotNull(scan.status());
        if (LibUsbSource.noBus()) {
            assertTrue(scan.status() == UsbScan.Status.NO_USB || scan.status() == UsbScan.Status.UNAVAILABLE, scan.toString());
        }
    }

    @Test
    void watcherReportsArrivalAndDepartureFromRecordedDescriptors() {
        RecordedUsbSource src = new RecordedUsbSource(List.of());
        List<UsbEvent> seen = new ArrayList<>();
        try (UsbWatcher w = new UsbWatcher(src, Set.of(NANO.id()), seen::add)) {
            assertTrue(w.poll().isEmpty());
            src.plug(NANO);
            src.plug(new UsbDevice(0x1234, 0x5678, "1-4", Optional.empty(), Optional.empty(), Optional.empty(), "recorded"));
            assertEquals(List.of(new UsbEvent(UsbEvent.Kind.ARRIVED, NANO)), w.poll());
            assertTrue(w.poll().isEmpty());
            src.unplug(NANO);
            assertEquals(List.of(new UsbEvent(UsbEvent.Kind.LEFT, NANO)), w.poll());
        }
        assertEquals(2, seen.size());
    }

    @Test
    void permissionProblemsPointToTheUdevRule() {
        RecordedUsbSource src = new RecordedUsbSource(List.of(NANO));
        src.fail(UsbScan.Status.NO_PERMISSION, "cannot open: " + LibUsbSource.UDEV_HINT);
        UsbScan s = src.scan(Set.of());
        assertEquals(UsbScan.Status.NO_PERMISSION, s.status());
        assertTrue(s.message().contains("70-zmk-agent.rules"));
    }

    @Test
    void knownIdsIncludeBootloadersZmkAndUserIds() {
        Map<Board.UsbId, String> ids = KnownUsbIds.of(BoardCatalog.builtin(), List.of("0x1209:0xabcd"));
        assertTrue(ids.containsKey(new Board.UsbId(0x239A, 0x00B3)));
        assertTrue(ids.containsKey(new Board.UsbId(0x2886, 0x0044)));
        assertTrue(ids.containsKey(new Board.UsbId(0x2886, 0x0045)));
        assertTrue(ids.containsKey(KnownUsbIds.ZMK_APPLICATION));
        assertEquals("user-configured device", ids.get(new Board.UsbId(0x1209, 0xABCD)));
        assertThrows(FormatException.class, () -> KnownUsbIds.parse("239a00b3"));
    }

    private static void device(Path devices, String name, String vid, String pid, String mfr, String product, String serial) throws Exception {
        Path d = Files.createDirectories(devices.resolve(name));
        Files.writeString(d.resolve("idVendor"), vid + "\n");
        Files.writeString(d.resolve("idProduct"), pid + "\n");
        Files.writeString(d.resolve("manufacturer"), mfr + "\n");
        Files.writeString(d.resolve("product"), product + "\n");
        if (serial != null) {
            Files.writeString(d.resolve("serial"), serial + "\n");
        }
    }
}
