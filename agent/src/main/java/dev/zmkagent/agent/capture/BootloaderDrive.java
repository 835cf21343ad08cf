package dev.zmkagent.agent.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A mounted UF2 bootloader drive: a folder with INFO_UF2.TXT (the file the UF2 spec says tools detect a drive by,
 * case-insensitively) and, on the Adafruit nRF52 bootloader, CURRENT.UF2 (the flash from 0x1000).
 */
public record BootloaderDrive(Path root, DriveInfo info, byte[] infoBytes, Optional<Path> currentUf2) {

    /** Reads the folder as a bootloader drive, or empty when it has no INFO_UF2.TXT (or vanished meanwhile). */
    public static Optional<BootloaderDrive> probe(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                return Optional.empty();
            }
            Path info = null;
            Path current = null;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString().toUpperCase(Locale.ROOT);
                    if (n.equals("INFO_UF2.TXT")) {
                        info = p;
                    } else if (n.equals("CURRENT.UF2")) {
                        current = p;
                    }
                }
            }
            if (info == null) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(info);
            if (bytes.length > 64 * 1024) {
                return Optional.empty(); // not a bootloader's info file
            }
            return Optional.of(new BootloaderDrive(dir, DriveInfo.parse(new String(bytes, StandardCharsets.ISO_8859_1)), bytes, Optional.ofNullable(current)));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    public String volumeName() {
        Path n = root.getFileName();
        return n == null ? root.toString() : n.toString();
    }

    @Override
    public String toString() {
        return root + " (" + info.describe() + ")";
    }
}
