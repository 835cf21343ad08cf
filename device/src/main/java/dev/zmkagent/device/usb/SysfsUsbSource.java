package dev.zmkagent.device.usb;

import dev.zmkagent.device.boards.Board;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Lists USB devices from Linux sysfs ({@code /sys/bus/usb/devices/*}/idVendor, idProduct, manufacturer, product,
 * serial). Needs no permission, so it still works where libusb cannot open devices. The root is injectable.
 */
public final class SysfsUsbSource implements UsbSource {
    private final Path sysfs;

    public SysfsUsbSource(Path sysfs) {
        this.sysfs = sysfs;
    }

    @Override
    public UsbScan scan(Set<Board.UsbId> wanted) {
        Path devices = sysfs.resolve("bus/usb/devices");
        if (!Files.isDirectory(devices)) {
            return UsbScan.failed(UsbScan.Status.NO_USB, "no USB bus in sysfs (" + devices + " is missing): this machine has no USB support");
        }
        List<UsbDevice> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(devices)) {
            for (Path d : s) {
                Optional<Integer> vid = hex(d.resolve("idVendor"));
                Optional<Integer> pid = hex(d.resolve("idProduct"));
                if (vid.isEmpty() || pid.isEmpty()) {
                    continue; // interfaces (1-1:1.0) have no idVendor
                }
                Board.UsbId id = new Board.UsbId(vid.get(), pid.get());
                if (!wanted.isEmpty() && !wanted.contains(id)) {
                    continue;
                }
                out.add(new UsbDevice(vid.get(), pid.get(), d.getFileName().toString(), text(d.resolve("manufacturer")),
                        text(d.resolve("product")), text(d.resolve("serial")), name()));
            }
        } catch (IOException e) {
            return UsbScan.failed(UsbScan.Status.UNAVAILABLE, "cannot list " + devices + ": " + e.getMessage());
        }
        out.sort((a, b) -> a.location().compareTo(b.location()));
        return UsbScan.ok(out);
    }

    @Override
    public String name() {
        return "sysfs";
    }

    static Optional<String> text(Path f) {
        try {
            if (!Files.isRegularFile(f)) {
                return Optional.empty();
            }
            byte[] b;
            try (var in = Files.newInputStream(f)) {
                b = in.readNBytes(512);
            }
            String s = new String(b, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Integer> hex(Path f) {
        return text(f).flatMap(s -> {
            try {
                int v = Integer.parseInt(s, 16);
                return v >= 0 && v <= 0xFFFF ? Optional.of(v) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
