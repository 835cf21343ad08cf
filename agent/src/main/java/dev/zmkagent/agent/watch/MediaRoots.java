package dev.zmkagent.agent.watch;

import dev.zmkagent.agent.capture.BootloaderDrive;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.drive.MountTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where bootloader drives show up: the folders desktops mount removable media in ({@code /media/$USER},
 * {@code /run/media/$USER}, {@code /media}, {@code /mnt}; {@code /Volumes} on macOS; drive letters on Windows) and,
 * on Linux, any FAT or FUSE file system in the mount table.
 */
public final class MediaRoots {
    static final Path MOUNTS = Path.of("/proc/self/mounts");

    private MediaRoots() {
    }

    /** The media folders of this machine, as the device module's discovery knows them (plus Windows drive roots). */
    public static List<Path> defaults() {
        DriveRoots roots = DriveRoots.fromEnvironment(System.getenv());
        List<Path> out = new ArrayList<>(roots.mediaRoots());
        out.addAll(roots.driveRoots());
        return out;
    }

    /**
     * The folders a watch started with {@code media} (its {@code --media} options) watches, on {@code osName} with
     * the environment {@code env}: {@code media} when given; else the ones {@link DriveRoots#ENV_MEDIA_ROOTS} names;
     * else the platform's media folders. Whichever they are, a watch also reads the mount table where there is one
     * ({@link #hasMountTable}): a folder list adds to it, it does not replace it. WatchCommand and doctor's media
     * folder check both ask this.
     */
    public static List<Path> forWatch(List<Path> media, java.util.Map<String, String> env, String osName) {
        if (!media.isEmpty()) {
            return List.copyOf(media);
        }
        DriveRoots roots = DriveRoots.forPlatform(osName, env, () -> {
            List<Path> drives = new ArrayList<>();
            for (java.io.File f : java.io.File.listRoots()) {
                drives.add(f.toPath());
            }
            return drives;
        });
        List<Path> out = new ArrayList<>(roots.mediaRoots());
        out.addAll(roots.driveRoots());
        return List.copyOf(out);
    }

    /** True where the mount table can be read (Linux). */
    public static boolean hasMountTable() {
        return Files.isReadable(MOUNTS);
    }

    public static String readMountTable() {
        try {
            return Files.readString(MOUNTS, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** Mount points of FAT-like and FUSE file systems (a bootloader drive is FAT; test drives are fusefat). */
    public static List<Path> removableMounts(String table) {
        List<Path> out = new ArrayList<>();
        for (MountTable.Mount m : MountTable.parse(table).mounts()) {
            if (m.mayBeBootloader()) {
                out.add(m.mountPoint());
            }
        }
        return out;
    }

    /** The folders to probe: every child of every root, plus FAT/FUSE mount points. */
    public static Set<Path> candidates(List<Path> roots, boolean mountTable) {
        Set<Path> out = new LinkedHashSet<>();
        for (Path r : roots) {
            if (!Files.isDirectory(r)) {
                continue;
            }
            if (isDriveRoot(r)) {
                out.add(r);
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(r)) {
                for (Path p : ds) {
                    out.add(p);
                }
            } catch (IOException | SecurityException e) {
                // unreadable root: skip
            }
        }
        if (mountTable && hasMountTable()) {
            out.addAll(removableMounts(readMountTable()));
        }
        return out;
    }

    private static boolean isDriveRoot(Path r) {
        return r.getParent() == null; // Windows drive letters
    }

    /** Every bootloader drive currently mounted. */
    public static List<BootloaderDrive> findDrives(List<Path> roots, boolean mountTable) {
        List<BootloaderDrive> out = new ArrayList<>();
        for (Path p : candidates(roots, mountTable)) {
            Optional<BootloaderDrive> d = BootloaderDrive.probe(p);
            d.ifPresent(out::add);
        }
        return out;
    }

    /**
     * The drive {@code capture} works on: the given folder, or else the one bootloader drive mounted in the media
     * folders (several, or none, is the user's to resolve).
     */
    public static BootloaderDrive findOne(Optional<Path> given) {
        if (given.isPresent()) {
            Path device = given.get();
            return BootloaderDrive.probe(device).orElseThrow(() -> new FormatException(device + " is not a UF2 bootloader drive (no INFO_UF2.TXT in it)"));
        }
        List<Path> roots = defaults();
        List<BootloaderDrive> drives = findDrives(roots, hasMountTable());
        if (drives.isEmpty()) {
            throw new FormatException("no bootloader drive found in " + roots + (hasMountTable() ? " or the mount table" : "")
                    + ": double-tap reset on the keyboard so its drive (NICENANO, XIAO-SENSE...) appears, or give --device");
        }
        if (drives.size() > 1) {
            throw new FormatException("several bootloader drives are mounted (" + drives.stream().map(d -> d.root().toString()).toList()
                    + "); pick one with --device");
        }
        return drives.get(0);
    }
}
