package dev.zmkagent.device.info;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.drive.BlockDevice;
import dev.zmkagent.device.drive.Uf2Drive;
import dev.zmkagent.device.serial.SerialPortInfo;
import dev.zmkagent.device.usb.UsbDevice;
import java.util.List;
import java.util.Optional;

/**
 * One device as the user thinks of it: a bootloader (drive and/or serial port), or a keyboard running firmware, with
 * every source that saw it and what stops it from being used.
 */
public record FoundDevice(Kind kind, String what, Optional<Board> board, Optional<BootloaderTarget> target, Optional<Uf2Drive> drive,
                          Optional<BlockDevice> blockDevice, Optional<SerialPortInfo> serialPort, Optional<UsbDevice> usb,
                          List<String> problems) {
    public enum Kind {
        /** UF2 bootloader with its drive mounted. */
        BOOTLOADER_DRIVE,
        /** UF2 bootloader whose drive is not mounted (Linux sysfs). */
        BOOTLOADER_UNMOUNTED,
        /** A bootloader seen only as a serial port (serial-only DFU mode, or drive not mounted). */
        BOOTLOADER_SERIAL,
        /** A keyboard running ZMK. */
        KEYBOARD,
        /** A user-configured or unrecognised USB device. */
        OTHER
    }
}
