package dev.zmkagent.agent.doctor;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.usb.KnownUsbIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The catalog bootloaders (and keyboards running ZMK, USB ID 1d50:615e) plugged in now, from sysfs under the
 * machine's root ({@code /sys/bus/usb/devices/*} with their idVendor/idProduct), each with the kernel names of its
 * nodes: the CDC port ({@code .../tty/ttyACM0}) and the mass-storage disk ({@code .../block/sda}) below its USB device.
 */
public record ConnectedBootloaders(List<Device> devices) {
    /** {@code bootloader} false: a keyboard running ZMK (its console tty only, no drive). */
    public record Device(String board, Board.UsbId id, String location, boolean bootloader, List<String> ttys, List<String> disks) {
    }

    public static ConnectedBootloaders scan(Machine m) {
        List<Device> out = new ArrayList<>();
        Path devices = m.path("/sys/bus/usb/devices");
        if (!Files.isDirectory(devices)) {
            return new ConnectedBootloaders(out);
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(devices)) {
            for (Path d : s) {
                Optional<Board.UsbId> id = usbId(m, d);
                if (id.isEmpty()) {
                    continue;
                }
                String name = null;
                boolean bootloader = true;
                for (Board b : m.catalog().boards()) {
                    if (b.usb().contains(id.get())) {
                        name = b.name() + " bootloader";
                        break;
                    }
                }
                if (name == null && id.get().equals(KnownUsbIds.ZMK_APPLICATION)) {
                    name = "ZMK keyboard";
                    bootloader = false;
                }
                if (name != null) {
                    List<String> ttys = new ArrayList<>();
                    List<String> disks = new ArrayList<>();
                    nodes(d, ttys, disks);
                    out.add(new Device(name, id.get(), d.getFileName().toString(), bootloader, ttys, disks));
                }
            }
        } catch (IOException | SecurityException e) {
            // no readable USB bus: nothing connected to say anything about
        }
        out.sort((a, b) -> a.location().compareTo(b.location()));
        return new ConnectedBootloaders(List.copyOf(out));
    }

    private static Optional<Board.UsbId> usbId(Machine m, Path d) {
        Optional<String> vid = m.read(d.resolve("idVendor")).map(String::trim);
        Optional<String> pid = m.read(d.resolve("idProduct")).map(String::trim);
        if (vid.isEmpty() || pid.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Board.UsbId(Integer.parseInt(vid.get(), 16), Integer.parseInt(pid.get(), 16)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The tty and block children below the device (sysfs links are not followed: only its own subtree). */
    private static void nodes(Path device, List<String> ttys, List<String> disks) {
        Path real;
        try {
            real = device.toRealPath();
        } catch (IOException e) {
            return;
        }
        try (Stream<Path> w = Files.walk(real, 7)) {
            w.forEach(p -> {
                Path parent = p.getParent();
                if (parent == null || p.equals(real)) {
                    return;
                }
                String kind = parent.getFileName().toString();
                String name = p.getFileName().toString();
                if (kind.equals("tty") && name.startsWith("tty") && !ttys.contains(name)) {
                    ttys.add(name);
                } else if (kind.equals("block") && !disks.contains(name)) {
                    disks.add(name);
                }
            });
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // the device went away while we looked
        }
    }
}
