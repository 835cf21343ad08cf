package dev.zmkagent.device.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.serial.SerialPortInfo;
import dev.zmkagent.device.serial.SerialPortSource;
import dev.zmkagent.device.sim.BootloaderProfile;
import dev.zmkagent.device.sim.FolderUf2Drive;
import dev.zmkagent.device.sim.SimFlash;
import dev.zmkagent.device.usb.RecordedUsbSource;
import dev.zmkagent.device.usb.UsbDevice;
import dev.zmkagent.device.usb.UsbScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceInventoryTest {
    @TempDir
    Path tmp;

    private static final Board.UsbId NANO = new Board.UsbId(0x239A, 0x00B3);
    private static final Board.UsbId XIAO = new Board.UsbId(0x2886, 0x0044);

    @Test
    void joinsDriveSerialPortAndUsbOfOneBootloaderAndListsTheRest() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        RecordedUsbSource usb = new RecordedUsbSource(List.of(
                new UsbDevice(0x239A, 0x00B3, "1-2", Optional.empty(), Optional.of("nice!nano"), Optional.of("AB12"), "recorded"),
                new UsbDevice(0x2886, 0x0044, "1-3", Optional.empty(), Optional.empty(), Optional.empty(), "recorded"),
                new UsbDevice(0x1D50, 0x615E, "1-4", Optional.empty(), Optional.of("Corne"), Optional.empty(), "recorded")));
        SerialPortSource serial = SerialPortSource.fixed(List.of(
                new SerialPortInfo("/dev/ttyACM0", "nice!nano", Optional.of(NANO), Optional.of("AB12"), Optional.of("nRF Serial"), Optional.empty()),
                new SerialPortInfo("/dev/ttyACM1", "XIAO", Optional.of(XIAO), Optional.empty(), Optional.of("nRF Serial"), Optional.empty()),
                new SerialPortInfo("/dev/ttyS0", "Physical Port S0", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())));
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(media, BootloaderProfile.niceNano("0.6.0"), new SimFlash())) {
            sim.attach();
            DeviceInventory.Sources src = new DeviceInventory.Sources(DriveRoots.only(List.of(media)), Optional.empty(), List.of(usb), serial, List.of());
            DeviceInventory.Inventory inv = new DeviceInventory(BoardCatalog.builtin(), src).scan();
            assertEquals(3, inv.devices().size(), inv.toString());
            FoundDevice nano = inv.devices().get(0);
            assertEquals(FoundDevice.Kind.BOOTLOADER_DRIVE, nano.kind());
            assertEquals("/dev/ttyACM0", nano.serialPort().orElseThrow().path());
            assertEquals("1-2", nano.usb().orElseThrow().location());
            FoundDevice xiao = inv.devices().get(1);
            assertEquals(FoundDevice.Kind.BOOTLOADER_SERIAL, xiao.kind(), "a bootloader with only its serial port: serial-only mode or unmounted");
            assertEquals("xiao_ble", xiao.board().orElseThrow().id());
            assertEquals(0x27000, xiao.target().orElseThrow().appStart());
            assertEquals(FoundDevice.Kind.KEYBOARD, inv.devices().get(2).kind());
        }
    }

    @Test
    void aBusNobodyCanSeeIsOneNote() {
        RecordedUsbSource a = new RecordedUsbSource(List.of());
        a.fail(UsbScan.Status.NO_USB, "no USB bus on this machine");
        RecordedUsbSource b = new RecordedUsbSource(List.of());
        b.fail(UsbScan.Status.NO_USB, "no USB bus in sysfs");
        DeviceInventory.Sources src = new DeviceInventory.Sources(DriveRoots.only(List.of()), Optional.empty(), List.of(a, b),
                SerialPortSource.fixed(List.of()), List.of());
        DeviceInventory.Inventory inv = new DeviceInventory(BoardCatalog.builtin(), src).scan();
        assertTrue(inv.devices().isEmpty());
        assertEquals(1, inv.notes().size(), inv.notes().toString());
    }
}
