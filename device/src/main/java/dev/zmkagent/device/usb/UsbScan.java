package dev.zmkagent.device.usb;

import java.util.List;

/** The result of asking one source for USB devices: what it found and whether it could see the bus at all. */
public record UsbScan(Status status, List<UsbDevice> devices, String message) {
    public enum Status {
        /** The bus was enumerated. */
        OK,
        /** This machine shows no USB bus (no /dev/bus/usb, no /sys/bus/usb). */
        NO_USB,
        /** Devices were seen but could not be opened: the udev rule is missing. */
        NO_PERMISSION,
        /** The source itself is unavailable (libusb failed to load or initialise). */
        UNAVAILABLE
    }

    public static UsbScan ok(List<UsbDevice> devices) {
        return new UsbScan(Status.OK, List.copyOf(devices), "");
    }

    public static UsbScan failed(Status status, String message) {
        return new UsbScan(status, List.of(), message);
    }
}
