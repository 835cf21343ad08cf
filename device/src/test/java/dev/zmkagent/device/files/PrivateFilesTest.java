package dev.zmkagent.device.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
    @TempDir
    Path tmp;

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void everyFolderItCreatesIsUserOnlyAndExistingOnesAreLeftAlone() throws Exception {
        assumeTrue(PrivateFiles.posix(tmp));
        Path existing = Files.createDirectory(tmp.resolve("mine"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        PrivateFiles.createDirectories(existing.resolve("a/b/c"));
        assertEquals("rwxr-x---", perms(existing), "a folder that was there is not chmod-ed");
        assertEquals("rwx------", perms(existing.resolve("a")), "missing parents are created user-only too");
        assertEquals("rwx------", perms(existing.resolve("a/b")));
        assertEquals("rwx------", perms(existing.resolve("a/b/c")));
        PrivateFiles.createPrivateDirectory(tmp.resolve("new"));
        assertEquals("rwx------", perms(tmp.resolve("new")));
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.createPrivateDirectory(tmp.resolve("new")));
    }

    @Test
    void filesAreWrittenWholeAndUserOnly() throws Exception {
        assumeTrue(PrivateFiles.posix(tmp));
        Path f = tmp.resolve("f.bin");
        PrivateFiles.writeNew(f, new byte[] {1, 2, 3});
        assertEquals("rw-------", perms(f));
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.writeNew(f, new byte[0]));
        PrivateFiles.writeAtomically(f, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(f));
        assertEquals("rw-------", perms(f));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temp file left behind");
        }
    }

    @Test
    void aMissingFolderIsNamedNotTheTempFile() {
        Path target = tmp.resolve("nonexistent/dir/b.zip");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PrivateFiles.writeAtomically(target, new byte[1]));
        assertEquals(tmp.resolve("nonexistent/dir").toString(), e.getFile());
        assertFalse(e.getMessage().contains(".tmp-"), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
