package dev.zmkagent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.info.DeviceInventory;
import dev.zmkagent.device.info.FoundDevice;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "devices",
        header = "List keyboards and UF2 bootloaders: drives, USB devices, serial ports.",
        description = {"List keyboards and their UF2 bootloaders: drives (mounted or not), USB devices and serial ports, "
                + "with board, bootloader version, SoftDevice, CURRENT.UF2 window, and what stops a device from being "
                + "used."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent devices", "  zmk-agent devices --json", "",
            "Exit code 0, also when nothing is found."},
        mixinStandardHelpOptions = true)
final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON (schema zmk-agent.devices/1).")
    boolean json;

    @Mixin
    DeviceOptions where = new DeviceOptions();

    @Override
    public Integer call() throws Exception {
        DeviceInventory.Inventory inv = new DeviceInventory(BoardCatalog.builtin(), where.sources()).scan();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(toJson(inv)));
        } else {
            out.print(text(inv));
        }
        out.flush();
        return 0;
    }

    static String text(DeviceInventory.Inventory inv) {
        StringBuilder b = new StringBuilder();
        if (inv.devices().isEmpty()) {
            b.append("No keyboard or bootloader found.\n")
                    .append("Put the keyboard in its bootloader (double-tap reset; ZMK's &bootloader key) and run this again.\n");
        }
        for (FoundDevice d : inv.devices()) {
            b.append(d.what()).append('\n');
            d.drive().ifPresent(x -> b.append(String.format("  drive:        %s (label %s)%n", x.root(), x.label())));
            d.blockDevice().ifPresent(x -> b.append(String.format("  block device: %s%s%n", x.devicePath(), x.usbVidPid().map(v -> " (USB " + v + ")").orElse(""))));
            d.serialPort().ifPresent(x -> b.append(String.format("  serial port:  %s%s%n", x.path(), x.interfaceName().map(v -> " (" + v + ")").orElse(""))));
            d.usb().ifPresent(x -> b.append(String.format("  USB:          %s at %s%s%n", x.id(), x.location(), x.serialNumber().map(v -> ", serial " + v).orElse(""))));
            d.board().ifPresent(x -> b.append(String.format("  board:        %s (%s)%n", x.name(), x.id())));
            d.drive().ifPresent(x -> {
                x.info().bootloaderVersion().ifPresent(v -> b.append(String.format("  bootloader:   %s%n", v)));
                x.info().boardId().ifPresent(v -> b.append(String.format("  Board-ID:     %s%n", v)));
            });
            d.target().ifPresent(t -> {
                b.append(String.format("  SoftDevice:   %s%s, application at 0x%X%n", t.softDevice().map(Object::toString).orElse("unknown"),
                        t.softDeviceFromInfo() ? "" : " (catalog default)", t.appStart()));
                BootloaderWindow w = t.window();
                b.append(String.format("  CURRENT.UF2:  0x%X-0x%X (%d blocks)%n", w.start(), w.end(), w.blockCount()));
                t.notes().forEach(n -> b.append("  note:         ").append(n).append('\n'));
            });
            d.problems().forEach(p -> b.append("  problem:      ").append(p).append('\n'));
        }
        inv.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
        return b.toString();
    }

    static Map<String, Object> toJson(DeviceInventory.Inventory inv) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", "zmk-agent.devices/1");
        List<Object> devices = new ArrayList<>();
        for (FoundDevice d : inv.devices()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", d.kind().name().toLowerCase().replace('_', '-'));
            m.put("what", d.what());
            d.board().ifPresent(x -> m.put("board", Map.of("id", x.id(), "name", x.name())));
            d.drive().ifPresent(x -> {
                Map<String, Object> dr = new LinkedHashMap<>();
                dr.put("path", x.root().toString());
                dr.put("label", x.label());
                x.familyFromCurrentUf2().ifPresent(f -> dr.put("family", hex8(f)));
                m.put("drive", dr);
                Map<String, Object> bl = new LinkedHashMap<>();
                x.info().bootloaderVersion().ifPresent(v -> bl.put("version", v));
                bl.put("line", x.info().firstLine());
                x.info().model().ifPresent(v -> bl.put("model", v));
                x.info().boardId().ifPresent(v -> bl.put("board_id", v));
                x.info().date().ifPresent(v -> bl.put("date", v));
                m.put("bootloader", bl);
            });
            d.blockDevice().ifPresent(x -> {
                Map<String, Object> bd = new LinkedHashMap<>();
                bd.put("device", x.devicePath());
                bd.put("mounted", x.mounted());
                x.mountPoint().ifPresent(v -> bd.put("mount_point", v));
                bd.put("mount_command", x.mountCommand());
                m.put("block_device", bd);
            });
            d.serialPort().ifPresent(x -> m.put("serial_port", x.path()));
            d.usb().ifPresent(x -> {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("vid", String.format("0x%04X", x.vid()));
                u.put("pid", String.format("0x%04X", x.pid()));
                u.put("location", x.location());
                x.serialNumber().ifPresent(v -> u.put("serial_number", v));
                x.product().ifPresent(v -> u.put("product", v));
                m.put("usb", u);
            });
            d.target().ifPresent(t -> {
                Map<String, Object> sd = new LinkedHashMap<>();
                sd.put("name", t.softDevice().map(Object::toString).orElse(null));
                sd.put("source", t.softDeviceFromInfo() ? "INFO_UF2.TXT" : "catalog default");
                m.put("soft_device", sd);
                m.put("app_start", hex(t.appStart()));
                m.put("current_uf2_window", window(t));
                m.put("accepted_families", t.acceptedFamilies().stream().sorted().map(DevicesCommand::hex8).toList());
                if (!t.notes().isEmpty()) {
                    m.put("notes", t.notes());
                }
            });
            m.put("usable", d.problems().isEmpty() && d.target().isPresent());
            m.put("problems", d.problems());
            devices.add(m);
        }
        root.put("devices", devices);
        root.put("notes", inv.notes());
        return root;
    }

    private static Map<String, Object> window(BootloaderTarget t) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("start", hex(t.window().start()));
        w.put("end", hex(t.window().end()));
        w.put("blocks", t.window().blockCount());
        return w;
    }

    static String hex(long v) {
        return String.format("0x%X", v);
    }

    static String hex8(long v) {
        return String.format("0x%08X", v);
    }
}
