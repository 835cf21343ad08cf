package dev.zmkagent.device.info;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.drive.BlockDevice;
import dev.zmkagent.device.drive.BlockDeviceScanner;
import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.drive.DriveScanner;
import dev.zmkagent.device.drive.MountTable;
import dev.zmkagent.device.drive.Uf2Drive;
import dev.zmkagent.device.serial.JSerialCommPorts;
import dev.zmkagent.device.serial.SerialPortInfo;
import dev.zmkagent.device.serial.SerialPortSource;
import dev.zmkagent.device.usb.KnownUsbIds;
import dev.zmkagent.device.usb.LibUsbSource;
import dev.zmkagent.device.usb.SysfsUsbSource;
import dev.zmkagent.device.usb.UsbDevice;
import dev.zmkagent.device.usb.UsbScan;
import dev.zmkagent.device.usb.UsbSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything zmk-agent can see of keyboards and their bootloaders, from every source at once: mounted drives,
 * unmounted bootloader block devices (Linux sysfs), USB (libusb, else sysfs) and serial ports; joined into one entry
 * per device where the sources agree (same board family).
 */
public final class DeviceInventory {
    public static final String ENV_SERIAL_PORTS = "ZMK_AGENT_SERIAL_PORTS";

    /**
     * Where to look. {@code usbSources} are tried in order until one can see the bus; {@code sysfs} empty means no
     * block-device scan (not Linux).
     */
    public record Sources(DriveRoots roots, Optional<Path> sysfs, List<UsbSource> usbSources, SerialPortSource serial,
                          List<String> extraUsbIds) {
        /**
         * The machine's sources, or injected ones: {@code ZMK_AGENT_MEDIA_ROOTS} (drive roots), {@code ZMK_AGENT_SYSFS}
         * (a sysfs tree: block devices and USB come only from it), {@code ZMK_AGENT_SERIAL_PORTS} (path list; empty =
         * none), {@code ZMK_AGENT_USB_IDS} (extra VID:PID, comma separated).
         */
        public static Sources fromEnvironment(Map<String, String> env) {
            DriveRoots roots = DriveRoots.fromEnvironment(env);
            String sys = env.get(BlockDeviceScanner.ENV_SYSFS);
            boolean linux = System.getProperty("os.name", "").toLowerCase().contains("linux");
            Optional<Path> sysfs = sys != null && !sys.isBlank() ? Optional.of(Path.of(sys)) : linux ? Optional.of(Path.of("/sys")) : Optional.empty();
            List<UsbSource> usb = new ArrayList<>();
            if (sys == null || sys.isBlank()) {
                usb.add(new LibUsbSource());
            }
            sysfs.ifPresent(p -> usb.add(new SysfsUsbSource(p)));
            SerialPortSource serial = new JSerialCommPorts();
            String ports = env.get(ENV_SERIAL_PORTS);
            if (ports != null) {
                List<SerialPortInfo> fixed = new ArrayList<>();
                for (String p : ports.split(File.pathSeparator)) {
                    if (!p.isBlank()) {
                        fixed.add(new SerialPortInfo(p.trim(), "configured port", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
                    }
                }
                serial = SerialPortSource.fixed(fixed);
            }
            List<String> extra = new ArrayList<>();
            String ids = env.get(KnownUsbIds.ENV_EXTRA);
            if (ids != null) {
                for (String s : ids.split(",")) {
                    if (!s.isBlank()) {
                        extra.add(s.trim());
                    }
                }
            }
            return new Sources(roots, sysfs, usb, serial, extra);
        }
    }

    public record Inventory(List<FoundDevice> devices, List<String> notes) {
    }

    private final BoardCatalog catalog;
    private final Sources sources;

    public DeviceInventory(BoardCatalog catalog, Sources sources) {
        this.catalog = catalog;
        this.sources = sources;
    }

    public Inventory scan() {
        List<String> notes = new ArrayList<>();
        Map<Board.UsbId, String> known = KnownUsbIds.of(catalog, sources.extraUsbIds());
        BoardIdentifier ident = new BoardIdentifier(catalog);
        List<FoundDevice> out = new ArrayList<>();

        List<Uf2Drive> drives = new DriveScanner(catalog, sources.roots()).scan();
        List<BlockDevice> blocks = sources.sysfs().map(s -> new BlockDeviceScanner(s, mounts(sources.roots())).scan()).orElse(List.of());
        List<UsbDevice> usb = new ArrayList<>();
        boolean noUsbSaid = false;
        for (UsbSource src : sources.usbSources()) {
            UsbScan scan = src.scan(known.keySet());
            usb.addAll(scan.devices());
            if (scan.status() == UsbScan.Status.NO_PERMISSION) {
                notes.add("USB (" + src.name() + "): " + scan.message());
            }
            if (scan.status() == UsbScan.Status.OK || !scan.devices().isEmpty()) {
                break; // one source that sees the bus is enough; a second would list the same devices again
            }
            if (scan.status() == UsbScan.Status.NO_USB && noUsbSaid) {
                continue;
            }
            noUsbSaid |= scan.status() == UsbScan.Status.NO_USB;
            if (!scan.message().isBlank()) {
                notes.add("USB (" + src.name() + "): " + scan.message());
            }
        }
        List<SerialPortInfo> ports = new ArrayList<>();
        for (SerialPortInfo p : sources.serial().list()) {
            if (p.usb().isPresent() && known.containsKey(p.usb().get()) || p.usb().isEmpty() && p.description().equals("configured port")) {
                ports.add(p);
            }
        }
        Set<SerialPortInfo> usedPorts = new LinkedHashSet<>();
        Set<UsbDevice> usedUsb = new LinkedHashSet<>();

        for (Uf2Drive d : drives) {
            Optional<Long> fam = d.familyFromCurrentUf2();
            Optional<SerialPortInfo> port = ports.stream().filter(p -> !usedPorts.contains(p) && fam.isPresent() && p.usb().isPresent()
                    && family(p.usb().get()) == fam.get()).findFirst();
            port.ifPresent(usedPorts::add);
            Optional<UsbDevice> u = usb.stream().filter(x -> !usedUsb.contains(x) && fam.isPresent() && family(x.id()) == fam.get()).findFirst();
            u.ifPresent(usedUsb::add);
            out.add(new FoundDevice(FoundDevice.Kind.BOOTLOADER_DRIVE, d.identification().board().map(b -> b.name() + " bootloader").orElse("UF2 bootloader"),
                    d.identification().board(), d.target(), Optional.of(d), Optional.empty(), port, u, d.problems()));
        }
        for (BlockDevice b : blocks) {
            if (b.mounted()) {
                continue; // a mounted one is a drive above (or mounted where we do not look: say where)
            }
            out.add(new FoundDevice(FoundDevice.Kind.BOOTLOADER_UNMOUNTED, "UF2 bootloader drive (not mounted)", Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(b), Optional.empty(), Optional.empty(),
                    List.of(b.devicePath() + " is not mounted: run `" + b.mountCommand() + "`")));
        }
        for (SerialPortInfo p : ports) {
            if (usedPorts.contains(p)) {
                continue;
            }
            Optional<Board.UsbId> id = p.usb();
            Optional<UsbDevice> u = usb.stream().filter(x -> !usedUsb.contains(x) && id.isPresent() && x.id().equals(id.get())).findFirst();
            u.ifPresent(usedUsb::add);
            out.add(fromUsbId(id, Optional.of(p), u, known, ident));
        }
        for (UsbDevice u : usb) {
            if (!usedUsb.contains(u)) {
                out.add(fromUsbId(Optional.of(u.id()), Optional.empty(), Optional.of(u), known, ident));
            }
        }
        return new Inventory(List.copyOf(out), List.copyOf(notes));
    }

    private FoundDevice fromUsbId(Optional<Board.UsbId> id, Optional<SerialPortInfo> port, Optional<UsbDevice> u,
                                  Map<Board.UsbId, String> known, BoardIdentifier ident) {
        Optional<Board> board = id.flatMap(ident::byUsb);
        List<String> problems = new ArrayList<>();
        if (board.isPresent()) {
            BootloaderTarget t = BootloaderTarget.of(catalog, board.get(), Optional.empty(), id.map(DeviceInventory::family));
            if (port.isEmpty()) {
                problems.add("seen on USB but neither its drive nor its serial port was found (drive not mounted, or no permission)");
            }
            return new FoundDevice(FoundDevice.Kind.BOOTLOADER_SERIAL, board.get().name() + " bootloader (serial)", board, Optional.of(t),
                    Optional.empty(), Optional.empty(), port, u, problems);
        }
        boolean keyboard = id.isPresent() && id.get().equals(KnownUsbIds.ZMK_APPLICATION);
        String what = id.map(known::get).orElse("serial port");
        if (keyboard) {
            problems.add("running firmware: enter the bootloader (double reset, or &bootloader) to read a dump or flash");
        }
        return new FoundDevice(keyboard ? FoundDevice.Kind.KEYBOARD : FoundDevice.Kind.OTHER, what, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), port, u, problems);
    }

    private static MountTable mounts(DriveRoots roots) {
        Path table = roots.mountTable().orElse(Path.of("/proc/self/mounts"));
        try {
            return roots.mountTable().isPresent() || Files.isReadable(table) ? MountTable.read(table) : MountTable.empty();
        } catch (IOException e) {
            return MountTable.empty();
        }
    }

    static long family(Board.UsbId id) {
        return ((long) id.vid() << 16) | id.pid();
    }
}
