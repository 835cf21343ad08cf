package dev.zmkagent.device.drive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds UF2 bootloader block devices in sysfs ({@code /sys/block/*}/device/{vendor,model}), mounted or not, so an
 * unmounted drive can be named with the command that mounts it. The sysfs root is injectable; tests use a fake tree.
 */
public final class BlockDeviceScanner {
    public static final String ENV_SYSFS = "ZMK_AGENT_SYSFS";
    static final String VENDOR = "Adafruit";
    static final String MODEL = "nRF UF2";

    private final Path sysfs;
    private final MountTable mounts;

    public BlockDeviceScanner(Path sysfs, MountTable mounts) {
        this.sysfs = sysfs;
        this.mounts = mounts;
    }

    public List<BlockDevice> scan() {
        List<BlockDevice> out = new ArrayList<>();
        Path block = sysfs.resolve("block");
        if (!Files.isDirectory(block)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(block)) {
            for (Path dev : s) {
                String vendor = read(dev.resolve("device/vendor")).orElse("");
                String model = read(dev.resolve("device/model")).orElse("");
                if (!vendor.equals(VENDOR) || !model.startsWith(MODEL)) {
                    continue;
                }
                String name = dev.getFileName().toString();
                String devPath = "/dev/" + name;
                Optional<String> mp = mountPointOf(devPath);
                // The bootloader's FAT has no partition table, but look at partitions too in case an OS added one.
                if (mp.isEmpty()) {
                    try (DirectoryStream<Path> parts = Files.newDirectoryStream(dev, name + "*")) {
                        for (Path p : parts) {
                            mp = mp.or(() -> mountPointOf("/dev/" + p.getFileName()));
                        }
                    } catch (IOException e) {
                        // no partitions
                    }
                }
                out.add(new BlockDevice(name, devPath, usbIdAbove(dev.resolve("device")), mp));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private Optional<String> mountPointOf(String devPath) {
        return mounts.byDevice(devPath).map(m -> m.mountPoint().toString());
    }

    /** Walks up the device's real sysfs path to the USB device that has idVendor/idProduct. */
    static Optional<String> usbIdAbove(Path deviceLink) {
        try {
            Path p = deviceLink.toRealPath();
            for (int i = 0; i < 12 && p != null; i++, p = p.getParent()) {
                Optional<String> vid = read(p.resolve("idVendor"));
                Optional<String> pid = read(p.resolve("idProduct"));
                if (vid.isPresent() && pid.isPresent()) {
                    return Optional.of(vid.get() + ":" + pid.get());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static Optional<String> read(Path f) {
        try {
            byte[] b = Files.readAllBytes(f);
            if (b.length > 256) {
                return Optional.empty();
            }
            return Optional.of(new String(b, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
