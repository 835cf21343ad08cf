package dev.zmkagent.device.serial;

import dev.zmkagent.device.boards.Board;
import java.util.Optional;

/**
 * A serial port and the USB device behind it (when it is USB). {@code interfaceName} is the USB interface or product
 * string the OS reports; the bootloader's CDC interface is called "nRF Serial".
 */
public record SerialPortInfo(String path, String description, Optional<Board.UsbId> usb, Optional<String> serialNumber,
                             Optional<String> interfaceName, Optional<String> location) {
}
