package dev.zmkagent.agent.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The data folder (captures/ and firmware/): yours to write, and private (0700), since a dump is a RAM image that can
 * hold Bluetooth bonding keys. One that does not exist yet is made 0700 at the first capture, so its nearest existing
 * parent must be writable. Writable is computed for the identity read from /proc (so fake roots can test it) and
 * then tried with a temporary file.
 */
public final class DataFolderCheck implements DesktopCheck {
    @Override
    public List<Finding> check(Machine m) {
        Path dir = m.dataDir();
        UserIdentity who = m.identity();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            while (parent != null && !Files.exists(parent)) {
                parent = parent.getParent();
            }
            if (parent == null || !writable(parent, who, m)) {
                return List.of(Finding.blocking("data_folder", "data folder", dir + " does not exist and " + parent + " is not yours to write: "
                        + "captures cannot be stored", "mkdir -m 700 -p " + dir + " as yourself, or give --data-dir"));
            }
            return List.of(Finding.ok("data_folder", "data folder", dir + " is created (0700) at the first capture"));
        }
        if (!Files.isDirectory(dir)) {
            return List.of(Finding.blocking("data_folder", "data folder", dir + " is a file, not a folder: captures cannot be stored",
                    "move it away, or give --data-dir"));
        }
        if (!writable(dir, who, m)) {
            return List.of(Finding.blocking("data_folder", "data folder", dir + " is not yours to write: captures cannot be stored",
                    "sudo chown -R " + (m.user().isEmpty() ? "$USER" : m.user()) + " " + dir));
        }
        for (String sub : List.of("captures", "firmware")) {
            Path p = dir.resolve(sub);
            if (Files.isDirectory(p) && !writable(p, who, m)) {
                return List.of(Finding.blocking("data_folder", "data folder", p + " is not yours to write (made by a zmk-agent run with sudo?): "
                        + (sub.equals("captures") ? "captures cannot be stored" : "firmware cannot be registered"),
                        "sudo chown -R " + (m.user().isEmpty() ? "$USER" : m.user()) + " " + dir));
            }
        }
        Optional<String> probe = tryWrite(dir);
        if (probe.isPresent()) {
            return List.of(Finding.blocking("data_folder", "data folder", "cannot write in " + dir + ": " + probe.get(), "check the file system (read-only? full?)"));
        }
        int mode = mode(dir);
        if ((mode & 077) != 0) {
            return List.of(Finding.advisory("data_folder", "data folder", String.format("%s is writable but not private (mode %04o): others can read "
                    + "captures, which can hold Bluetooth keys", dir, mode), "chmod 700 " + dir));
        }
        return List.of(Finding.ok("data_folder", "data folder", String.format("%s is private (%04o) and writable", dir, mode)));
    }

    private static boolean writable(Path dir, UserIdentity who, Machine m) {
        if (!who.known()) {
            return Files.isWritable(dir);
        }
        // Creating a file in a folder takes write and search permission on it.
        return NodeAccess.of(dir, who, m.runner()).map(a -> a.write() && a.execute()).orElse(false);
    }

    private static int mode(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:mode")).intValue() & 07777;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0700;
        }
    }

    /** Creates and removes a private temporary file: a read-only or full file system says so here, not at the crash. */
    private static Optional<String> tryWrite(Path dir) {
        try {
            Path t = Files.createTempFile(dir, ".doctor", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.delete(t);
            return Optional.empty();
        } catch (UnsupportedOperationException e) {
            return Optional.empty(); // not a POSIX file system: the computed access already answered
        } catch (IOException | SecurityException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
