package dev.zmkagent.device.drive;

import java.util.Optional;

/**
 * A bootloader's mass-storage device as the Linux kernel lists it (SCSI INQUIRY vendor "Adafruit", product "nRF UF2"),
 * with its mount point when it is mounted.
 */
public record BlockDevice(String name, String devicePath, Optional<String> usbVidPid, Optional<String> mountPoint) {
    public boolean mounted() {
        return mountPoint.isPresent();
    }

    /** The command that mounts it for the logged-in user (udisks2). */
    public String mountCommand() {
        return "udisksctl mount -b " + devicePath;
    }
}
