package dev.zmkagent.device.flash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * Saves each dump as {@code <base>/pre-flash-<UTC time>/coredump-<sha256 prefix>.uf2} plus a {@code capture.txt} that
 * says what it is. Folders are 0700, files 0600, every file written whole (temp, fsync, rename). A dump whose content
 * hash is already under {@code base} is not saved again.
 */
public final class FolderDumpSaver implements DumpSaver {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private final Path base;

    public FolderDumpSaver(Path base) {
        this.base = base;
    }

    /** {@code $XDG_DATA_HOME/zmk-agent/captures}, or {@code ~/.local/share/zmk-agent/captures}. */
    public static Path defaultBase(Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return data.resolve("zmk-agent").resolve("captures");
    }

    public Path base() {
        return base;
    }

    @Override
    public SavedDump save(PendingDump dump) throws IOException {
        String name = "coredump-" + dump.sha256().substring(0, 16) + ".uf2";
        Optional<Path> existing = find(name);
        if (existing.isPresent()) {
            return new SavedDump(existing.get(), true);
        }
        DurableFiles.privateDirectory(base);
        Path dir = base.resolve("pre-flash-" + TIME.format(dump.readAt()));
        for (int i = 2; Files.exists(dir); i++) {
            dir = base.resolve("pre-flash-" + TIME.format(dump.readAt()) + "-" + i);
        }
        DurableFiles.privateDirectory(dir);
        Path file = dir.resolve(name);
        DurableFiles.write(file, dump.uf2Blocks());
        String info = "what: coredump partition read from CURRENT.UF2 before flashing\n"
                + "board: " + dump.boardId() + "\n"
                + "variant: " + dump.variant() + "\n"
                + "bootloader: " + dump.bootloaderVersion() + "\n"
                + String.format("partition: 0x%X-0x%X%n", dump.partitionStart(), dump.partitionStart() + dump.partition().length)
                + "complete: " + dump.valid() + "\n"
                + "sha256: " + dump.sha256() + "\n"
                + "read at: " + dump.readAt() + "\n"
                + "analyze: zmk-agent analyze " + name + " --elf <the zmk.elf of the firmware that crashed>\n";
        DurableFiles.write(dir.resolve("capture.txt"), info.getBytes(StandardCharsets.UTF_8));
        return new SavedDump(file, false);
    }

    private Optional<Path> find(String name) throws IOException {
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, "pre-flash-*")) {
            for (Path d : dirs) {
                Path f = d.resolve(name);
                if (Files.isRegularFile(f)) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }
}
