package dev.zmkagent.agent.doctor;

import dev.zmkagent.agent.watch.MediaRoots;
import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.drive.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where zmk-agent watch looks, by the rule WatchCommand uses ({@link MediaRoots#forWatch}): its {@code --media}
 * folders, else ZMK_AGENT_MEDIA_ROOTS, else the media folders of {@link DriveRoots} (/media/$USER, /run/media/$USER,
 * /media, /mnt), and, wherever /proc/self/mounts can be read, every FAT or FUSE mount in it. The {@code --media}
 * options and the environment are the running watch's when the check runs inside one ({@link Machine#watching}),
 * else those the systemd user unit gives it ({@link WatchUnit}: its ExecStart= and Environment= lines), else doctor's
 * own environment. Checked against where a bootloader drive (a mount with INFO_UF2.TXT) is
 * mounted now: one the watch neither has under a media folder nor reads as FAT/FUSE from the mount table is never
 * captured.
 */
public final class MediaFoldersCheck implements DesktopCheck {
    @Override
    public List<Finding> check(Machine m) {
        WatchUnit unit = m.watchMedia().isPresent() ? WatchUnit.NONE : WatchUnit.read(m);
        Map<String, String> env = new HashMap<>(m.env());
        env.putAll(unit.env());
        List<Path> media = m.watchMedia().orElse(unit.media());
        List<Path> roots = MediaRoots.forWatch(media, env, "Linux");
        String from;
        if (!media.isEmpty()) {
            from = m.watchMedia().isPresent() ? " (this watch's --media)" : " (--media in " + unit.file().orElse("") + ")";
        } else if (unit.env().containsKey(DriveRoots.ENV_MEDIA_ROOTS)) {
            from = " (" + DriveRoots.ENV_MEDIA_ROOTS + " in " + unit.file().orElse("") + ")";
        } else {
            from = "";
        }
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
        String watched = String.join(", ", shown) + from + (table ? " and the FAT/FUSE mounts of /proc/self/mounts" : "");
        if (!unwatched.isEmpty()) {
            String parent = unwatched.get(0).substring(0, unwatched.get(0).indexOf(" ("));
            parent = Path.of(parent).getParent() == null ? parent : Path.of(parent).getParent().toString();
            return List.of(Finding.blocking("media_folders", "media folders", "a bootloader drive is mounted at " + String.join(", ", unwatched)
                    + ", which zmk-agent watch neither has under a media folder nor reads as FAT from the mount table (it watches " + watched + ")",
                    "mount it with udisksctl mount -b /dev/sdX (it goes to /media/$USER), or watch that folder too: zmk-agent watch"
                            + " --install-service --media " + parent + " (or run watch with --media " + parent + ")"));
        }
        if (m.user().isEmpty() && media.isEmpty() && env.get(DriveRoots.ENV_MEDIA_ROOTS) == null) {
            return List.of(Finding.advisory("media_folders", "media folders", "USER is not set, so /media/$USER and /run/media/$USER are not watched"
                    + (table ? " (the mount table still is)" : ""), "run zmk-agent watch in your login session (it sets USER)"));
        }
        if (!table && roots.stream().noneMatch(r -> Files.isDirectory(m.path(r.toString())))) {
            return List.of(Finding.advisory("media_folders", "media folders", "none of the watched folders exists (" + watched
                    + ") and there is no mount table to read", "run watch with --media DIR, the folder your drives are mounted in"));
        }
        return List.of(Finding.ok("media_folders", "media folders", "watching " + watched
                + (drives.isEmpty() ? "" : "; bootloader drive mounted at " + String.join(", ", drives))));
    }
}
