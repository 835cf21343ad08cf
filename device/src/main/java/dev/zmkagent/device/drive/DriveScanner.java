package dev.zmkagent.device.drive;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.info.BoardIdentifier;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.info.Identification;
import dev.zmkagent.device.info.InfoUf2;
import dev.zmkagent.device.uf2.Uf2Block;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds mounted UF2 bootloader drives: a folder is one when INFO_UF2.TXT (any case) is at its top, as the UF2
 * specification says tools should detect them. Candidates come from the mount table and the media roots.
 */
public final class DriveScanner {
    public static final String INFO_FILE = "INFO_UF2.TXT";
    public static final String CURRENT_FILE = "CURRENT.UF2";

    private final BoardCatalog catalog;
    private final DriveRoots roots;

    private final java.util.function.Function<Path, String> volumeLabel;

    public DriveScanner(BoardCatalog catalog, DriveRoots roots) {
        this(catalog, roots, DriveScanner::label);
    }

    /** With {@code volumeLabel} standing in for the file system's (tests: a Windows drive letter's label). */
    public DriveScanner(BoardCatalog catalog, DriveRoots roots, java.util.function.Function<Path, String> volumeLabel) {
        this.catalog = catalog;
        this.roots = roots;
        this.volumeLabel = volumeLabel;
    }

    public List<Uf2Drive> scan() {
        List<Uf2Drive> out = new ArrayList<>();
        for (Path dir : candidates()) {
            inspect(dir).ifPresent(out::add);
        }
        return out;
    }

    /** Every folder worth checking, each once. */
    public Set<Path> candidates() {
        Set<Path> dirs = new LinkedHashSet<>();
        roots.mountTable().ifPresent(file -> {
            try {
                for (MountTable.Mount m : MountTable.read(file).mounts()) {
                    if (m.mayBeBootloader()) {
                        dirs.add(m.mountPoint().toAbsolutePath().normalize());
                    }
                }
            } catch (IOException e) {
                // No mount table: the media roots still apply.
            }
        });
        for (Path root : roots.mediaRoots()) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
                for (Path p : s) {
                    if (Files.isDirectory(p)) {
                        dirs.add(p.toAbsolutePath().normalize());
                    }
                }
            } catch (IOException | SecurityException e) {
                // An unreadable root (another user's /media/x) is simply not searched.
            }
        }
        for (Path d : roots.driveRoots()) {
            dirs.add(d.toAbsolutePath());
        }
        return dirs;
    }

    /** The drive at {@code dir}, when it is a UF2 bootloader drive. */
    public Optional<Uf2Drive> inspect(Path dir) {
        Optional<Path> info = DriveFiles.find(dir, INFO_FILE);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        InfoUf2 parsed;
        try {
            parsed = InfoUf2.parse(readAtMost(info.get(), InfoUf2.MAX_LENGTH));
        } catch (IOException e) {
            parsed = InfoUf2.parse("");
            problems.add("cannot read " + info.get() + ": " + e.getMessage());
        }
        Optional<Path> current = DriveFiles.find(dir, CURRENT_FILE);
        Optional<Long> family = Optional.empty();
        if (current.isEmpty()) {
            problems.add("no CURRENT.UF2 on the drive (this bootloader cannot be read back)");
        } else {
            family = firstBlockFamily(current.get());
        }
        String label = volumeLabel.apply(dir);
        Identification id = new BoardIdentifier(catalog).identify(Optional.of(parsed), Optional.of(label), Optional.empty());
        Optional<BootloaderTarget> target = Optional.empty();
        if (id.board().isEmpty()) {
            problems.add("board not recognised (Model " + parsed.model().orElse("?") + ", Board-ID " + parsed.boardId().orElse("?")
                    + ", label " + label + "): add it to the board catalog");
        } else {
            Board b = id.board().get();
            family.filter(f -> !b.familyIds().contains(f)).ifPresent(f ->
                    problems.add(String.format("CURRENT.UF2 carries family 0x%08X, which the catalog does not list for %s", f, b.name())));
            target = Optional.of(BootloaderTarget.of(catalog, b, Optional.of(parsed), family));
        }
        return Optional.of(new Uf2Drive(dir, label, info.get(), current, parsed, family, id, target, List.copyOf(problems)));
    }

    /** A mount point's folder name (Linux media folders, /Volumes/LABEL); a drive letter's volume label (Windows). */
    static String label(Path dir) {
        Path name = dir.getFileName();
        if (name != null) {
            return name.toString();
        }
        try {
            return Files.getFileStore(dir).name();
        } catch (IOException e) {
            return dir.toString();
        }
    }

    /** The family ID of CURRENT.UF2's first block: the bootloader's own (VID<<16)|PID. */
    static Optional<Long> firstBlockFamily(Path current) {
        try {
            byte[] head = readAtMost(current, Uf2Block.SIZE);
            ByteView b = ByteView.of(head);
            if (b.length() == Uf2Block.SIZE && b.u32(0) == Uf2Block.MAGIC_START0 && b.u32(4) == Uf2Block.MAGIC_START1
                    && (b.u32(8) & Uf2Block.FLAG_FAMILY_ID) != 0) {
                return Optional.of(b.u32(28));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static byte[] readAtMost(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(max);
        }
    }
}
