package dev.zmkagent.device.usb;

import dev.zmkagent.device.boards.Board;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.usb4java.Context;
import org.usb4java.Device;
import org.usb4java.DeviceDescriptor;
import org.usb4java.DeviceHandle;
import org.usb4java.DeviceList;
import org.usb4java.LibUsb;

/**
 * Enumerates USB devices through usb4java (libusb, linked into its platform jar). VID/PID come from the cached device
 * descriptor, which needs no permission; strings need the device opened, which fails with LIBUSB_ERROR_ACCESS until
 * the udev rule grants access. Any failure to load or initialise libusb becomes a status, never an exception.
 */
public final class LibUsbSource implements UsbSource {
    public static final String UDEV_HINT = "install the udev rule: sudo cp udev-rules/70-zmk-agent.rules /etc/udev/rules.d/"
            + " && sudo udevadm control --reload && sudo udevadm trigger";

    @Override
    public String name() {
        return "libusb";
    }

    @Override
    public UsbScan scan(Set<Board.UsbId> wanted) {
        Context ctx = new Context();
        int r;
        try {
            r = LibUsb.init(ctx);
        } catch (LinkageError | RuntimeException e) {
            return UsbScan.failed(UsbScan.Status.UNAVAILABLE, "libusb could not be loaded: " + e.getMessage());
        }
        if (r != LibUsb.SUCCESS) {
            return noBus() ? UsbScan.failed(UsbScan.Status.NO_USB, "no USB bus on this machine (libusb init: " + LibUsb.errorName(r) + ")")
                    : UsbScan.failed(UsbScan.Status.UNAVAILABLE, "libusb init failed: " + LibUsb.errorName(r));
        }
        try {
            DeviceList list = new DeviceList();
            int n = LibUsb.getDeviceList(ctx, list);
            if (n < 0) {
                return UsbScan.failed(UsbScan.Status.UNAVAILABLE, "libusb cannot list devices: " + LibUsb.errorName(n));
            }
            try {
                if (n == 0 && noBus()) {
                    return UsbScan.failed(UsbScan.Status.NO_USB, "no USB bus on this machine (no /dev/bus/usb, no /sys/bus/usb)");
                }
                List<UsbDevice> out = new ArrayList<>();
                boolean denied = false;
                for (Device d : list) {
                    DeviceDescriptor dd = new DeviceDescriptor();
                    if (LibUsb.getDeviceDescriptor(d, dd) != LibUsb.SUCCESS) {
                        continue;
                    }
                    int vid = dd.idVendor() & 0xFFFF;
                    int pid = dd.idProduct() & 0xFFFF;
                    if (!wanted.isEmpty() && !wanted.contains(new Board.UsbId(vid, pid))) {
                        continue;
                    }
                    String location = location(d);
                    DeviceHandle h = new DeviceHandle();
                    int open = LibUsb.open(d, h);
                    if (open == LibUsb.SUCCESS) {
                        try {
                            out.add(new UsbDevice(vid, pid, location, string(h, dd.iManufacturer()), string(h, dd.iProduct()),
                                    string(h, dd.iSerialNumber()), name()));
                        } finally {
                            LibUsb.close(h);
                        }
                    } else {
                        denied |= open == LibUsb.ERROR_ACCESS;
                        out.add(new UsbDevice(vid, pid, location, Optional.empty(), Optional.empty(), Optional.empty(), name()));
                    }
                }
                if (denied) {
                    return new UsbScan(UsbScan.Status.NO_PERMISSION, List.copyOf(out), "cannot open the bootloader's USB device: " + UDEV_HINT);
                }
                return UsbScan.ok(out);
            } finally {
                LibUsb.freeDeviceList(list, true);
            }
        } finally {
            LibUsb.exit(ctx);
        }
    }

    private static String location(Device d) {
        ByteBuffer ports = ByteBuffer.allocateDirect(8);
        int n = LibUsb.getPortNumbers(d, ports);
        StringBuilder b = new StringBuilder().append(LibUsb.getBusNumber(d));
        if (n > 0) {
            b.append('-');
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ".").append(ports.get(i) & 0xFF);
            }
        } else {
            b.append(':').append(LibUsb.getDeviceAddress(d));
        }
        return b.toString();
    }

    private static Optional<String> string(DeviceHandle h, byte index) {
        if (index == 0) {
            return Optional.empty();
        }
        try {
            String s = LibUsb.getStringDescriptor(h, index);
            return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static boolean noBus() {
        return !Files.exists(Path.of("/dev/bus/usb")) && !Files.exists(Path.of("/sys/bus/usb"));
    }
}
