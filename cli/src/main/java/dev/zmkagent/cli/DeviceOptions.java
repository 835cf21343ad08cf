package dev.zmkagent.cli;

import dev.zmkagent.device.drive.BlockDeviceScanner;
import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.info.DeviceInventory;
import dev.zmkagent.device.usb.KnownUsbIds;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where to look for devices: the machine's places, or injected ones (hidden options, same as the ZMK_AGENT_* variables). */
final class DeviceOptions {
    @Option(names = "--usb-id", paramLabel = "VID:PID", description = "Also look for this USB ID (hex, repeatable; or ZMK_AGENT_USB_IDS).")
    List<String> usbIds = List.of();

    @Option(names = "--media-root", hidden = true, paramLabel = "DIR", description = "Search only these folders' sub-folders for drives.")
    List<Path> mediaRoots = List.of();

    @Option(names = "--sysfs", hidden = true, paramLabel = "DIR", description = "Read block devices and USB from this sysfs tree.")
    Path sysfs;

    @Option(names = "--serial-port", hidden = true, paramLabel = "PATH", description = "Use these serial ports instead of enumerating.")
    List<String> serialPorts;

    DeviceInventory.Sources sources() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (!mediaRoots.isEmpty()) {
            env.put(DriveRoots.ENV_MEDIA_ROOTS, String.join(File.pathSeparator, mediaRoots.stream().map(Path::toString).toList()));
        }
        if (sysfs != null) {
            env.put(BlockDeviceScanner.ENV_SYSFS, sysfs.toString());
        }
        if (serialPorts != null) {
            env.put(DeviceInventory.ENV_SERIAL_PORTS, String.join(File.pathSeparator, serialPorts));
        }
        if (!usbIds.isEmpty()) {
            String prev = env.getOrDefault(KnownUsbIds.ENV_EXTRA, "");
            env.put(KnownUsbIds.ENV_EXTRA, (prev.isBlank() ? "" : prev + ",") + String.join(",", usbIds));
        }
        return DeviceInventory.Sources.fromEnvironment(env);
    }
}
