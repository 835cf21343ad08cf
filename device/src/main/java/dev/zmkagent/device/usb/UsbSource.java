package dev.zmkagent.device.usb;

import dev.zmkagent.device.boards.Board;
import java.util.Set;

/**
 * A way to list USB devices: libusb ({@link LibUsbSource}), Linux sysfs ({@link SysfsUsbSource}) or recorded
 * descriptors ({@link RecordedUsbSource}, for tests and the demo).
 */
public interface UsbSource {
    /** Devices whose VID:PID is in {@code wanted} (every device when {@code wanted} is empty). */
    UsbScan scan(Set<Board.UsbId> wanted);

    String name();
}
