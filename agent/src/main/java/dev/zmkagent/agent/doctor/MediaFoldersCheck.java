package dev.zmkagent.agent.doctor;

import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.drive.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where zmk-agent watch looks, as WatchCommand sets it up: the media folders of {@link DriveRoots} (/media/$USER,
 * /run/media/$USER, /media, /mnt; ZMK_AGENT_MEDIA_ROOTS instead when set) and, wherever /proc/self/mounts can be
 * read, every FAT or FUSE mount in it. Checked against where a bootloader drive (a mount with INFO_UF2.TXT) is
 * mounted now: one the watch neither has under a media folder nor reads as FAT/FUSE from the mount table is never
 * captured.
 */
public final class MediaFoldersCheck implements DesktopCheck {
    @Override
    public List<Finding> check(Machine m) {
        List<Path> roots = DriveRoots.forPlatform("Linux", m.env(), List::of).mediaRoots();
        boolean table = Files.isReadable(m.path("/proc/self/mounts"));
        MountTable mounts = MountTable.parse(m.read(m.path("/proc/self/mounts")).orElse(""));
        List<String> unwatched = new ArrayList<>();
        List<String> drives = new ArrayList<>();
        for (MountTable.Mount mt : mounts.mounts()) {
            if (!Files.isRegularFile(m.path(mt.mountPoint().toString()).resolve("INFO_UF2.TXT"))) {
                continue;
            }
            drives.add(mt.mountPoint().toString());
            boolean under = roots.stream().anyMatch(r -> mt.mountPoint().getParent() != null && mt.mountPoint().getParent().equals(r));
            if (!under && !(table && mt.mayBeBootloader())) {
                unwatched.add(mt.mountPoint() + " (" + mt.type() + ")");
            }
        }
        List<String> shown = new ArrayList<>();
        for (Path r : roots) {
            shown.add(r + (Files.isDirectory(m.path(r.toString())) ? "" : " (absent)"));
        }
        String watched = String.join(", ", shown) + (table ? " and the FAT/FUSE mounts of /proc/self/mounts" : "");
        if (!unwatched.isEmpty()) {
            String parent = unwatched.get(0).substring(0, unwatched.get(0).indexOf(" ("));
            parent = Path.of(parent).getParent() == null ? parent : Path.of(parent).getParent().toString();
            return List.of(Finding.blocking("media_folders", "media folders", "a bootloader drive is mounted at " + String.join(", ", unwatched)
                    + ", which zmk-agent watch neither has under a media folder nor reads as FAT from the mount table (it watches " + watched + ")",
                    "mount it with udisksctl mount -b /dev/sdX (it goes to /media/$USER), or run watch with " + DriveRoots.ENV_MEDIA_ROOTS + "=" + parent));
        }
        if (m.user().isEmpty() && m.env().get(DriveRoots.ENV_MEDIA_ROOTS) == null) {
            return List.of(Finding.advisory("media_folders", "media folders", "USER is not set, so /media/$USER and /run/media/$USER are not watched"
                    + (table ? " (the mount table still is)" : ""), "run zmk-agent watch in your login session (it sets USER)"));
        }
        if (!table && roots.stream().noneMatch(r -> Files.isDirectory(m.path(r.toString())))) {
            return List.of(Finding.advisory("media_folders", "media folders", "none of the watched folders exists (" + watched
                    + ") and there is no mount table to read", "check " + DriveRoots.ENV_MEDIA_ROOTS));
        }
        return List.of(Finding.ok("media_folders", "media folders", "watching " + watched
                + (drives.isEmpty() ? "" : "; bootloader drive mounted at " + String.join(", ", drives))));
    }
}
