package dev.zmkagent.agent.doctor;

import dev.zmkagent.device.boards.Board;
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
 * The catalog bootloaders plugged in now, from sysfs under the machine's root ({@code /sys/bus/usb/devices/*} with
 * the board's idVendor/idProduct), each with the kernel names of its nodes: the CDC port ({@code .../tty/ttyACM0})
 * and the mass-storage disk ({@code .../block/sda}) found below its USB device.
 */
public record ConnectedBootloaders(List<Device> devices) {
    public record Device(String board, Board.UsbId id, String location, List<String> ttys, List<String> disks) {
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
                for (Board b : m.catalog().boards()) {
                    if (b.usb().contains(id.get())) {
                        List<String> ttys = new ArrayList<>();
                        List<String> disks = new ArrayList<>();
                        nodes(d, ttys, disks);
                        out.add(new Device(b.name(), id.get(), d.getFileName().toString(), ttys, disks));
                        break;
                    }
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
