package dev.zmkagent.device.drive;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where to look for bootloader drives: a mount table (Linux), folders whose sub-folders are mount points (the usual
 * media roots, /Volumes), and folders that are drives themselves (Windows drive roots). Injectable for tests.
 *
 * @param mountTable   {@code /proc/self/mounts} on Linux; empty elsewhere or when roots are injected
 * @param mediaRoots   each sub-folder of these is a candidate drive
 * @param driveRoots   each of these is a candidate drive
 */
public record DriveRoots(Optional<Path> mountTable, List<Path> mediaRoots, List<Path> driveRoots) {
    /**
     * Replaces the default media folders (path-separator list). Here (the device discovery of {@code devices}) the
     * mount table is then not read; {@code watch} still reads it, and its {@code --media} options come first
     * (agent's {@code MediaRoots.forWatch}, which doctor checks too).
     */
    public static final String ENV_MEDIA_ROOTS = "ZMK_AGENT_MEDIA_ROOTS";

    public static DriveRoots only(List<Path> mediaRoots) {
        return new DriveRoots(Optional.empty(), List.copyOf(mediaRoots), List.of());
    }

    /** The roots for this machine, or the ones {@link #ENV_MEDIA_ROOTS} names. */
    public static DriveRoots fromEnvironment(Map<String, String> env) {
        return forPlatform(System.getProperty("os.name", ""), env, () -> {
            List<Path> drives = new ArrayList<>();
            for (File f : File.listRoots()) {
                drives.add(f.toPath());
            }
            return drives;
        });
    }

    /**
     * The roots for {@code osName}: Linux's media folders and mount table; macOS's /Volumes (each volume mounted
     * at /Volumes/LABEL); Windows' drive letters ({@code fileSystemRoots}, each a candidate drive whose volume label
     * the JDK's FileStore names).
     */
    public static DriveRoots forPlatform(String osName, Map<String, String> env, java.util.function.Supplier<List<Path>> fileSystemRoots) {
        String injected = env.get(ENV_MEDIA_ROOTS);
        if (injected != null && !injected.isBlank()) {
            List<Path> roots = new ArrayList<>();
            for (String p : injected.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    roots.add(Path.of(p.trim()));
                }
            }
            return only(roots);
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return new DriveRoots(Optional.empty(), List.of(), List.copyOf(fileSystemRoots.get()));
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return new DriveRoots(Optional.empty(), List.of(Path.of("/Volumes")), List.of());
        }
        List<Path> roots = new ArrayList<>(List.of(Path.of("/media"), Path.of("/mnt")));
        for (String user : new String[] {env.get("USER"), env.get("SUDO_USER")}) {
            if (user != null && !user.isBlank()) {
                roots.add(Path.of("/media", user));
                roots.add(Path.of("/run/media", user));
            }
        }
        return new DriveRoots(Optional.of(Path.of("/proc/self/mounts")), List.copyOf(roots), List.of());
    }
}
