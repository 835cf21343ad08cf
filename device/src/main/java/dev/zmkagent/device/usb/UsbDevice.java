package dev.zmkagent.device.usb;

import dev.zmkagent.device.boards.Board;
import java.util.Optional;

/**
 * One USB device as a source saw it. Strings are empty when the source could not read them (libusb needs to open the
 * device for strings, which needs the udev rule).
 *
 * @param location bus/port path or bus-address, stable while plugged in (for matching drive, port and device)
 */
public record UsbDevice(int vid, int pid, String location, Optional<String> manufacturer, Optional<String> product,
                        Optional<String> serialNumber, String source) {
    public Board.UsbId id() {
        return new Board.UsbId(vid, pid);
    }
}
