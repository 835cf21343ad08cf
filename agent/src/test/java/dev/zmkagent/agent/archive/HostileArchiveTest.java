package dev.zmkagent.agent.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile attachments, crafted here byte by byte with a zip/tar writer: each is refused with one line naming the
 * attachment, the entry and the rule; nothing is written outside the private temporary folder, and that folder is
 * gone afterwards. Benign archives (one nested level, ./ names, folders) open.
 */
class HostileArchiveTest {
    @TempDir
    Path dir;
    Path tempParent;
    Path input;

    @BeforeEach
    void setUp() throws IOException {
        tempParent = Files.createDirectory(dir.resolve("tmp"));
        input = Files.createDirectory(dir.resolve("in"));
    }

    private record Entry(String name, byte[] data, int unixMode, String link) {
        static Entry file(String name, String text) {
            return new Entry(name, text.getBytes(StandardCharsets.UTF_8), 0100644, null);
        }
    }

    private Path zip(String name, List<Entry> entries) throws IOException {
        Path p = input.resolve(name);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(p)) {
            for (Entry e : entries) {
                ZipArchiveEntry ze = new ZipArchiveEntry(e.name());
                ze.setUnixMode(e.unixMode());
                z.putArchiveEntry(ze);
                z.write(e.link() != null ? e.link().getBytes(StandardCharsets.UTF_8) : e.data());
                z.closeArchiveEntry();
            }
        }
        return p;
    }

    private Path tgz(String name, List<Entry> entries) throws IOException {
        Path p = input.resolve(name);
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(p));
             TarArchiveOutputStream t = new TarArchiveOutputStream(os)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry te;
                if (e.link() != null) {
                    te = new TarArchiveEntry(e.name(), (e.unixMode() & 0170000) == 0120000 ? TarConstants.LF_SYMLINK : TarConstants.LF_LINK);
                    te.setLinkName(e.link());
                    t.putArchiveEntry(te);
                } else {
                    te = new TarArchiveEntry(e.name(), true);
                    te.setSize(e.data().length);
                    t.putArchiveEntry(te);
                    t.write(e.data());
                }
                t.closeArchiveEntry();
            }
        }
        return p;
    }

    /** Refused with one line; the temp parent is empty again and nothing appeared next to the input. */
    private String refused(Path archive, ArchiveLimits limits) throws IOException {
        List<Path> before;
        try (Stream<Path> s = Files.walk(dir)) {
            before = s.toList();
        }
        HostileArchiveException e = assertThrows(HostileArchiveException.class, () -> Attachment.open(archive, limits, tempParent).close());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(archive.toString()), e.getMessage());
        try (Stream<Path> s = Files.list(tempParent)) {
            assertEquals(List.of(), s.toList(), "the private temp folder is removed");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            assertEquals(before, s.toList(), "nothing written anywhere else");
        }
        assertFalse(Files.exists(dir.resolve("evil")));
        assertFalse(Files.exists(Path.of("/tmp/zmk-agent-hostile-evil")));
        return e.getMessage();
    }

    private String refused(Path archive) throws IOException {
        return refused(archive, ArchiveLimits.DEFAULT);
    }

    @Test
    void pathTraversalIsRefused() throws IOException {
        assertTrue(refused(zip("a.zip", List.of(Entry.file("ok.txt", "x"), Entry.file("../evil", "x")))).contains("path traversal"));
        assertTrue(refused(zip("b.zip", List.of(Entry.file("dumps/../../evil", "x")))).contains("path traversal"));
        assertTrue(refused(zip("c.zip", List.of(Entry.file("..\\evil", "x")))).contains("path traversal"));
        assertTrue(refused(tgz("d.tgz", List.of(Entry.file("../evil", "x")))).contains("path traversal"));
    }

    @Test
    void absoluteNamesAreRefused() throws IOException {
        assertTrue(refused(zip("a.zip", List.of(Entry.file("/tmp/zmk-agent-hostile-evil", "x")))).contains("absolute name"));
        assertTrue(refused(zip("b.zip", List.of(Entry.file("C:\\evil", "x")))).contains("absolute name"));
        assertTrue(refused(tgz("c.tgz", List.of(Entry.file("/tmp/zmk-agent-hostile-evil", "x")))).contains("absolute name"));
    }

    @Test
    void linksAndSpecialFilesAreRefused() throws IOException {
        assertTrue(refused(zip("a.zip", List.of(new Entry("CURRENT.UF2", null, 0120777, "/etc/passwd")))).contains("symbolic link"));
        assertTrue(refused(tgz("b.tgz", List.of(new Entry("CURRENT.UF2", null, 0120777, "/etc/passwd")))).contains("symbolic link"));
        assertTrue(refused(tgz("c.tgz", List.of(Entry.file("a", "x"), new Entry("b", null, 0100644, "/etc/shadow")))).contains("hard link"));
        assertTrue(refused(zip("d.zip", List.of(new Entry("fifo", new byte[0], 0010644, null)))).contains("special file"));
    }

    @Test
    void zipBombsAreRefusedByTheBytesActuallyExpanded() throws IOException {
        // 65 MiB of zeros deflate to ~64 KiB: more than any dump or ELF.
        Path bomb = input.resolve("bomb.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bomb)) {
            z.putArchiveEntry(new ZipArchiveEntry("CURRENT.UF2"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 65; i++) {
                z.write(zeros);
            }
            z.closeArchiveEntry();
        }
        assertTrue(Files.size(bomb) < 1 << 20, "a small archive");
        assertTrue(refused(bomb).contains("expands past 64 MiB"));
        // Under the per-file cap, over the attachment's total: 5 x 1 MiB against a 4 MiB total.
        ArchiveLimits small = new ArchiveLimits(1000, 2L << 20, 4L << 20, 1);
        byte[] mib = new byte[1 << 20];
        List<Entry> five = Stream.of("1", "2", "3", "4", "5").map(n -> new Entry(n, mib, 0100644, null)).toList();
        assertTrue(refused(zip("total.zip", five), small).contains("the attachment expands past 4 MiB"));
        assertTrue(refused(tgz("total.tgz", five), small).contains("the attachment expands past 4 MiB"));
    }

    @Test
    void tenThousandEntriesAreRefused() throws IOException {
        List<Entry> many = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(Entry.file("d/" + i, ""));
        }
        // Written with the JDK's writer, which is quicker for many small entries.
        Path manyZip = input.resolve("many.zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(manyZip))) {
            for (Entry e : many) {
                z.putNextEntry(new java.util.zip.ZipEntry(e.name()));
                z.closeEntry();
            }
        }
        assertTrue(refused(manyZip).contains("more than 1,000 entries"));
        assertTrue(refused(tgz("many.tgz", many)).contains("more than 1,000 entries"));
    }

    @Test
    void archivesNestedBeyondOneLevelAreRefusedOneLevelOpens() throws IOException {
        byte[] innermost = Files.readAllBytes(zip("c.zip", List.of(Entry.file("deep.txt", "x"))));
        byte[] middle = Files.readAllBytes(zip("b.zip", List.of(new Entry("c.zip", innermost, 0100644, null))));
        Path outer = zip("a.zip", List.of(new Entry("b.zip", middle, 0100644, null)));
        String m = refused(outer);
        assertTrue(m.contains("a.zip!/b.zip!/c.zip") && m.contains("nested"), m);

        Path oneLevel = tgz("one.tgz", List.of(new Entry("artifact.zip", innermost, 0100644, null), Entry.file("./notes.txt", "hi")));
        try (Attachment a = Attachment.open(oneLevel, ArchiveLimits.DEFAULT, tempParent)) {
            assertEquals(List.of(oneLevel + "!/artifact.zip!/deep.txt", oneLevel + "!/notes.txt"),
                    a.files().stream().map(AttachedFile::name).toList());
            Path temp = a.tempFolder().orElseThrow();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(temp)));
            for (AttachedFile f : a.files()) {
                assertEquals(temp, f.path().getParent(), "extracted under numbered names in the private folder");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())));
            }
            assertEquals("hi", Files.readString(a.files().get(1).path()));
        }
        try (Stream<Path> s = Files.list(tempParent)) {
            assertEquals(0, s.count(), "closing removes the extracted files");
        }
    }

    @Test
    void foldersDoNotFollowLinksAndOpenTheirArchives() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("folder"));
        Files.writeString(folder.resolve("a.txt"), "a");
        Files.createSymbolicLink(folder.resolve("link"), Path.of("/etc/passwd"));
        Files.copy(zip("z.zip", List.of(Entry.file("in/zip.txt", "z"))), folder.resolve("z.zip"));
        try (Attachment a = Attachment.open(folder, ArchiveLimits.DEFAULT, tempParent)) {
            assertEquals(List.of(folder + "/a.txt", folder + "/z.zip!/in/zip.txt"), a.files().stream().map(AttachedFile::name).toList());
            assertEquals(List.of(folder + "/link: a symbolic link, not followed"), a.skipped());
        }
    }
}
