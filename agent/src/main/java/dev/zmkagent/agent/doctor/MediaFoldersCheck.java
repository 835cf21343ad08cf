package dev.zmkagent.agent.doctor;

import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.drive.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The folders zmk-agent watch looks in ({@link DriveRoots}: /media/$USER, /run/media/$USER, /media, /mnt, and every
 * FAT/FUSE mount of /proc/self/mounts; only ZMK_AGENT_MEDIA_ROOTS when that is set), against where a bootloader drive
 * is mounted now: a drive mounted where the watch does not look is not captured.
 */
public final class MediaFoldersCheck implements DesktopCheck {
    @Override
    public List<Finding> check(Machine m) {
        DriveRoots roots = DriveRoots.forPlatform("Linux", m.env(), List::of);
        boolean table = roots.mountTable().isPresent() && Files.isReadable(m.path("/proc/self/mounts"));
        MountTable mounts = MountTable.parse(m.read(m.path("/proc/self/mounts")).orElse(""));
        List<String> unwatched = new ArrayList<>();
        List<String> drives = new ArrayList<>();
        for (MountTable.Mount mt : mounts.mounts()) {
            if (!mt.mayBeBootloader() || !Files.isRegularFile(m.path(mt.mountPoint().toString()).resolve("INFO_UF2.TXT"))) {
                continue;
            }
            drives.add(mt.mountPoint().toString());
            boolean under = roots.mediaRoots().stream().anyMatch(r -> mt.mountPoint().startsWith(r));
            if (!table && !under) {
                unwatched.add(mt.mountPoint().toString());
            }
        }
        List<String> shown = new ArrayList<>();
        for (Path r : roots.mediaRoots()) {
            shown.add(r + (Files.isDirectory(m.path(r.toString())) ? "" : " (absent)"));
        }
        String watched = String.join(", ", shown) + (table ? " and the FAT/FUSE mounts of /proc/self/mounts" : "");
        if (!unwatched.isEmpty()) {
            return List.of(Finding.blocking("media_folders", "media folders", "a bootloader drive is mounted at " + String.join(", ", unwatched)
                    + ", where zmk-agent watch does not look (it watches " + watched + ")",
                    "unset " + DriveRoots.ENV_MEDIA_ROOTS + " or add that folder's parent to it"));
        }
        String user = m.user();
        if (user.isEmpty()) {
            return List.of(Finding.advisory("media_folders", "media folders", "USER is not set, so /media/$USER and /run/media/$USER are not watched"
                    + (table ? " (the mount table still is)" : ""), "run zmk-agent watch in your login session (it sets USER)"));
        }
        if (!table && roots.mediaRoots().stream().noneMatch(r -> Files.isDirectory(m.path(r.toString())))) {
            return List.of(Finding.advisory("media_folders", "media folders", "none of the watched folders exists (" + watched
                    + ") and there is no mount table to read", "check " + DriveRoots.ENV_MEDIA_ROOTS));
        }
        return List.of(Finding.ok("media_folders", "media folders", "watching " + watched
                + (drives.isEmpty() ? "" : "; bootloader drive mounted at " + String.join(", ", drives))));
    }
}
