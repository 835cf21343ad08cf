package dev.zmkagent.agent.archive;

import dev.zmkagent.device.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a user attached, opened: a single file, a folder, or a .zip/.tar/.tar.gz (and one archive inside it). Every
 * archive is extracted into one private temporary folder (0700, files 0600) under numbered names, so no entry name
 * decides where anything is written; that folder is removed on {@link #close()}. Hostile archives are refused with a
 * {@link HostileArchiveException} before anything is analyzed, and whatever was extracted is removed.
 */
public final class Attachment implements AutoCloseable {
    private final String given;
    private final List<AttachedFile> files;
    private final List<String> skipped;
    private final Optional<Path> temp;

    private Attachment(String given, List<AttachedFile> files, List<String> skipped, Optional<Path> temp) {
        this.given = given;
        this.files = List.copyOf(files);
        this.skipped = List.copyOf(skipped);
        this.temp = temp;
    }

    /** A folder, or a file whose first bytes are a zip, tar or gzip header: what {@link #open} unpacks. */
    public static boolean isAttachment(Path path) throws IOException {
        return Files.isDirectory(path) || (Files.isRegularFile(path) && ArchiveFormat.of(path) != ArchiveFormat.NONE);
    }

    public static Attachment open(Path path) throws IOException {
        return open(path, ArchiveLimits.DEFAULT);
    }

    public static Attachment open(Path path, ArchiveLimits limits) throws IOException {
        return open(path, limits, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** As {@link #open(Path, ArchiveLimits)}, extracting under {@code tempParent} (tests watch what is written there). */
    public static Attachment open(Path path, ArchiveLimits limits, Path tempParent) throws IOException {
        String given = path.toString();
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(given);
        }
        Extractor ex = new Extractor(limits, () -> createTemp(tempParent));
        try {
            if (Files.isDirectory(path)) {
                walkFolder(path, given, ex);
            } else {
                ex.addFile(given, path, 0);
            }
        } catch (IOException | RuntimeException e) {
            ex.deleteTemp();
            throw e;
        }
        List<AttachedFile> out = new ArrayList<>(ex.files());
        out.sort(Comparator.comparing(AttachedFile::name));
        return new Attachment(given, out, ex.skipped(), ex.temp());
    }

    /** The folder's files (links are not followed: they may point anywhere), its archives opened one level deep. */
    private static void walkFolder(Path root, String given, Extractor ex) throws IOException {
        String prefix = given.endsWith("/") ? given : given + "/";
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    ex.countEntry(prefix + root.relativize(dir));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = prefix + root.relativize(file).toString().replace('\\', '/');
                ex.countEntry(name);
                if (attrs.isSymbolicLink()) {
                    ex.skip(name + ": a symbolic link, not followed");
                } else if (attrs.isRegularFile()) {
                    ex.addFile(name, file, 0);
                } else {
                    ex.skip(name + ": not a regular file");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                ex.skip(prefix + root.relativize(file) + ": cannot be read (" + e.getMessage() + ")");
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Path createTemp(Path tmp) throws IOException {
        FileAttribute<?>[] attrs = tmp.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
        return Files.createTempDirectory(tmp, "zmk-agent-attachment-", attrs);
    }

    /** The path as the user gave it. */
    public String given() {
        return given;
    }

    /** Every regular file, archives replaced by their contents, sorted by name. */
    public List<AttachedFile> files() {
        return files;
    }

    /** Entries left out and why (links in a folder, unreadable entries). */
    public List<String> skipped() {
        return skipped;
    }

    /** The private folder holding the extracted files, while open. */
    public Optional<Path> tempFolder() {
        return temp;
    }

    public boolean isSingleFile() {
        return files.size() == 1 && temp.isEmpty() && files.get(0).name().equals(given);
    }

    @Override
    public void close() throws IOException {
        if (temp.isPresent()) {
            PrivateFiles.deleteTree(temp.get());
        }
    }
}
