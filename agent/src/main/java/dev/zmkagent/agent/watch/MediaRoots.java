package dev.zmkagent.agent.watch;

import dev.zmkagent.agent.capture.BootloaderDrive;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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

    public static List<Path> defaults() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        List<Path> out = new ArrayList<>();
        if (os.startsWith("windows")) {
            for (File r : File.listRoots()) {
                out.add(r.toPath());
            }
            return out;
        }
        if (os.startsWith("mac")) {
            return List.of(Path.of("/Volumes"));
        }
        Set<String> users = new LinkedHashSet<>();
        users.add(System.getProperty("user.name"));
        if (System.getenv("SUDO_USER") != null) {
            users.add(System.getenv("SUDO_USER"));
        }
        for (String u : users) {
            out.add(Path.of("/media", u));
            out.add(Path.of("/run/media", u));
        }
        out.add(Path.of("/media"));
        out.add(Path.of("/mnt"));
        return out;
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
        for (String line : table.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            String type = f[2];
            if (type.equals("vfat") || type.equals("msdos") || type.equals("exfat") || type.equals("fuseblk") || type.startsWith("fuse.")) {
                out.add(Path.of(unescape(f[1])));
            }
        }
        return out;
    }

    /** The mount table escapes space, tab, newline and backslash as octal (\040). */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
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
}
