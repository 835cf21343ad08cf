package dev.zmkagent.device.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;

/**
 * The one helper for files that must be whole and private (the capture store, the firmware registry, bundles, the
 * service unit): temp name, fsync, rename; folders 0700 and files 0600 where the file system has POSIX permissions
 * (dumps are RAM images that can hold Bluetooth bonding keys).
 *
 * <p>Permissions are given when a folder or file is created ({@link PosixFilePermissions#asFileAttribute}), never
 * set afterwards: there is no moment when it exists with wider rights, and an existing folder (the user's own
 * choice) is never chmod-ed. The umask can only take bits away from 0700/0600, so the result is never wider.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?>[] attrs(Path p, Set<PosixFilePermission> perms) {
        return posix(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)} : new FileAttribute<?>[0];
    }

    /** Creates the folder and any missing parents; the folders this call creates are user-only, existing ones are left as they are. */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return dir;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(abs, attrs(abs, DIR));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
        }
        return dir;
    }

    /** Creates a new user-only folder; fails if it exists. */
    public static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectory(dir, attrs(dir, DIR));
    }

    /** Writes a new user-only file and forces it to the disk; fails if it exists. */
    public static void writeNew(Path file, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs(file, FILE))) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /** Opens (creating it user-only if missing) a file used only for its lock; its content is never written. */
    public static FileChannel openLockFile(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), attrs(file, FILE));
    }

    /**
     * Replaces {@code target} with {@code data} atomically: a sibling temp file, fsync, rename, fsync of the folder.
     * A missing folder is reported as such (not as the temp file's name).
     */
    public static void writeAtomically(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, Files.exists(dir) ? "not a folder" : "the folder does not exist");
        }
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            writeNew(tmp, data);
            moveAtomically(tmp, target, true);
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(dir);
    }

    /** Renames in one step; {@code replace} false fails when the target exists (so nothing is ever overwritten). */
    public static void moveAtomically(Path from, Path to, boolean replace) throws IOException {
        if (!replace && Files.exists(to)) {
            throw new FileAlreadyExistsException(to.toString());
        }
        try {
            if (replace) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " in one step on this file system", e);
        }
    }

    /** Makes a rename or a new entry in {@code dir} durable (a no-op where folders cannot be opened, e.g. Windows). */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform; the rename itself is still atomic.
        }
    }

    /** Removes a folder tree we created (used only for our own temp folders). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
