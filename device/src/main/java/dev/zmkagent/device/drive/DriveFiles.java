package dev.zmkagent.device.drive;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** File lookups on FAT drives, whose names are case-insensitive whatever the host file system does. */
public final class DriveFiles {
    private DriveFiles() {
    }

    /** The entry at the top of {@code dir} whose name equals {@code name} ignoring case. */
    public static Optional<Path> find(Path dir, String name) {
        Path direct = dir.resolve(name);
        if (Files.isRegularFile(direct)) {
            return Optional.of(direct);
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                Path f = p.getFileName();
                if (f != null && f.toString().equalsIgnoreCase(name) && Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
