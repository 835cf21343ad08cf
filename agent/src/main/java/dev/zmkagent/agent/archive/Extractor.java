package dev.zmkagent.agent.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Extracts archives entry by entry into the attachment's private temporary folder, enforcing {@link ArchiveLimits}
 * as it goes: bytes are counted as they are written (a declared size is never trusted), entries as they are met, so
 * neither a zip bomb nor a million-entry archive gets far. Memory is one copy buffer plus the zip central directory
 * (bounded by the archive's size). Entry names are checked and kept only as labels: the bytes go to numbered files.
 */
final class Extractor {
    interface TempFactory {
        Path create() throws IOException;
    }

    private static final int BUFFER = 64 * 1024;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;

    private final ArchiveLimits limits;
    private final TempFactory tempFactory;
    private final List<AttachedFile> files = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private Path temp;
    private int entries;
    private long totalBytes;
    private int nextName;

    Extractor(ArchiveLimits limits, TempFactory tempFactory) {
        this.limits = limits;
        this.tempFactory = tempFactory;
    }

    List<AttachedFile> files() {
        return files;
    }

    List<String> skipped() {
        return skipped;
    }

    Optional<Path> temp() {
        return Optional.ofNullable(temp);
    }

    void skip(String why) {
        skipped.add(why);
    }

    void deleteTemp() throws IOException {
        if (temp != null) {
            dev.zmkagent.device.files.PrivateFiles.deleteTree(temp);
            temp = null;
        }
    }

    void countEntry(String name) {
        if (++entries > limits.maxEntries()) {
            throw new HostileArchiveException(String.format("%s: more than %,d entries; an attachment of dumps and ELFs holds a few, so it was refused",
                    outermost(name), limits.maxEntries()));
        }
    }

    /** A regular file of the attachment: an archive is opened (up to the nesting limit), anything else kept. */
    void addFile(String name, Path file, int depth) throws IOException {
        ArchiveFormat format = ArchiveFormat.of(file);
        if (format == ArchiveFormat.NONE) {
            files.add(new AttachedFile(name, file, Files.size(file), modified(file)));
            return;
        }
        if (depth > limits.maxNesting()) {
            throw new HostileArchiveException(name + ": an archive nested more than " + limits.maxNesting()
                    + " level deep; unpack the inner archive and attach it on its own");
        }
        if (Files.size(file) > limits.maxTotalBytes()) {
            throw new HostileArchiveException(String.format("%s: the archive is %d MiB, more than the %d MiB an attachment may expand to",
                    name, Files.size(file) >> 20, limits.maxTotalBytes() >> 20));
        }
        try {
            switch (format) {
                case ZIP -> unzip(name, file, depth);
                case TAR -> {
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
                        untar(name, in, depth);
                    }
                }
                case GZIP -> gunzip(name, file, depth);
                default -> throw new IllegalStateException(format.name());
            }
        } catch (java.nio.file.FileSystemException e) {
            throw e; // our temp folder (full disk, permissions): not the archive's fault
        } catch (IOException e) {
            // Found by AttachmentFuzzTest: commons-compress and the JDK report damaged archives (overlapping entries,
            // data cut short, impossible sizes) as plain IOExceptions. They are the attachment's fault: one line.
            throw new dev.zmkagent.coredump.bytes.FormatException(name + ": a damaged " + format.name().toLowerCase(java.util.Locale.ROOT)
                    + " archive (" + e.getMessage() + ")");
        }
    }

    private void unzip(String archive, Path file, int depth) throws IOException {
        // The JDK reads the central directory natively and fast: a many-entry archive is refused before the (slower,
        // per-entry) reader that sees Unix modes spends time on it.
        try (java.util.zip.ZipFile jdk = new java.util.zip.ZipFile(file.toFile())) {
            if (entries + (long) jdk.size() > limits.maxEntries()) {
                throw new HostileArchiveException(String.format("%s: more than %,d entries; an attachment of dumps and ELFs holds a few, so it was refused",
                        outermost(archive), limits.maxEntries()));
            }
        } catch (java.util.zip.ZipException e) {
            throw new dev.zmkagent.coredump.bytes.FormatException(archive + ": not a readable zip archive (" + e.getMessage() + ")");
        }
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            Enumeration<ZipArchiveEntry> en = zip.getEntries();
            while (en.hasMoreElements()) {
                ZipArchiveEntry e = en.nextElement();
                String label = archive + "!/" + e.getName();
                countEntry(label);
                String name = checkName(archive, e.getName());
                int type = e.getUnixMode() & S_IFMT;
                if (e.isUnixSymlink()) {
                    throw new HostileArchiveException(label + ": a symbolic link; attachments may hold only regular files, so the archive was refused");
                }
                if (e.isDirectory() || type == S_IFDIR) {
                    continue;
                }
                if (type != 0 && type != S_IFREG) {
                    throw new HostileArchiveException(label + ": a special file (Unix mode 0" + Integer.toOctalString(e.getUnixMode())
                            + "); attachments may hold only regular files, so the archive was refused");
                }
                if (!zip.canReadEntryData(e)) {
                    skip(label + ": cannot be read (encrypted, or compressed with an unsupported method)");
                    continue;
                }
                Path out;
                try (InputStream in = zip.getInputStream(e)) {
                    out = copy(label, in);
                }
                Optional<Instant> t = e.getTime() > 0 ? Optional.of(Instant.ofEpochMilli(e.getTime())) : Optional.empty();
                keep(archive + "!/" + name, out, t, depth);
            }
        } catch (java.util.zip.ZipException | org.apache.commons.compress.archivers.ArchiveException e) {
            throw new dev.zmkagent.coredump.bytes.FormatException(archive + ": not a readable zip archive (" + e.getMessage() + ")");
        }
    }

    private void gunzip(String archive, Path file, int depth) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER)) {
            in.mark(ArchiveFormat.SNIFF_LENGTH);
            byte[] head = in.readNBytes(ArchiveFormat.SNIFF_LENGTH);
            in.reset();
            if (ArchiveFormat.isTar(head, head.length)) {
                untar(archive, in, depth);
                return;
            }
            // A single gzip-compressed file (CURRENT.UF2.gz): the file, named without the .gz.
            String label = archive.endsWith(".gz") ? archive.substring(0, archive.length() - 3) : archive + "!/(gunzipped)";
            countEntry(label);
            keep(label, copy(label, in), modified(file), depth);
        } catch (java.util.zip.ZipException e) {
            throw new dev.zmkagent.coredump.bytes.FormatException(archive + ": not a readable gzip file (" + e.getMessage() + ")");
        } catch (java.io.EOFException e) {
            // found by AttachmentFuzzTest: a .tgz cut short (an interrupted download) ends the inflater early
            throw new dev.zmkagent.coredump.bytes.FormatException(archive + ": the gzip data is cut short (" + e.getMessage() + "); download it again");
        }
    }

    private void untar(String archive, InputStream in, int depth) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        try {
            TarArchiveEntry e;
            while ((e = nextEntry(tar, archive)) != null) {
                String label = archive + "!/" + e.getName();
                countEntry(label);
                String name = checkName(archive, e.getName());
                if (e.isSymbolicLink() || e.isLink()) {
                    throw new HostileArchiveException(label + ": a " + (e.isLink() ? "hard" : "symbolic") + " link to " + e.getLinkName()
                            + "; attachments may hold only regular files, so the archive was refused");
                }
                if (e.isDirectory()) {
                    continue;
                }
                if (!e.isFile() || e.isSparse()) {
                    throw new HostileArchiveException(label + ": not a regular file; attachments may hold only regular files, so the archive was refused");
                }
                Path out = copy(label, tar);
                Optional<Instant> t = e.getModTime() != null && e.getModTime().getTime() > 0 ? Optional.of(e.getModTime().toInstant()) : Optional.empty();
                keep(archive + "!/" + name, out, t, depth);
            }
        } catch (IllegalArgumentException e) {
            // commons-compress reports a malformed header (bad octal number) this way.
            throw new dev.zmkagent.coredump.bytes.FormatException(archive + ": not a readable tar archive (" + e.getMessage() + ")");
        }
    }

    /** The next tar header; a header commons-compress cannot read (negative size, bad checksum) is the archive's fault. */
    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String archive) {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw new dev.zmkagent.coredump.bytes.FormatException(archive + ": not a readable tar archive (" + e.getMessage() + ")");
        }
    }

    private void keep(String name, Path out, Optional<Instant> modified, int depth) throws IOException {
        ArchiveFormat inner = ArchiveFormat.of(out);
        if (inner == ArchiveFormat.NONE) {
            files.add(new AttachedFile(name, out, Files.size(out), modified));
            return;
        }
        addFile(name, out, depth + 1);
    }

    /**
     * The entry name, refused when it could point outside a folder it was extracted to: absolute (Unix, Windows drive
     * or UNC), with a ".." part, or with a NUL. Leading "./" parts are dropped.
     */
    static String checkName(String archive, String raw) {
        String label = archive + "!/" + raw;
        if (raw.indexOf('\0') >= 0) {
            throw new HostileArchiveException(label.replace('\0', '?') + ": the entry name holds a NUL byte, so the archive was refused");
        }
        String n = raw.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            throw new HostileArchiveException(archive + ": the entry " + raw + " has an absolute name, so the archive was refused");
        }
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                throw new HostileArchiveException(archive + ": the entry " + raw + " climbs out of the archive (path traversal), so the archive was refused");
            }
        }
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }

    /** Streams one entry into a new private numbered file, counting every byte against the limits. */
    private Path copy(String label, InputStream in) throws IOException {
        if (temp == null) {
            temp = tempFactory.create();
        }
        Path out = temp.resolve(String.format("%05d", nextName++));
        FileAttribute<?>[] attrs = out.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        long size = 0;
        try (FileChannel ch = FileChannel.open(out, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs);
             OutputStream os = Channels.newOutputStream(ch)) {
            byte[] buf = new byte[BUFFER];
            int r;
            while ((r = in.read(buf)) > 0) {
                size += r;
                totalBytes += r;
                if (size > limits.maxFileBytes()) {
                    throw new HostileArchiveException(String.format("%s: expands past %d MiB (no dump or ELF is that large: a zip bomb?), so the archive was refused",
                            label, limits.maxFileBytes() >> 20));
                }
                if (totalBytes > limits.maxTotalBytes()) {
                    throw new HostileArchiveException(String.format("%s: the attachment expands past %d MiB (a zip bomb?), so it was refused",
                            outermost(label), limits.maxTotalBytes() >> 20));
                }
                os.write(buf, 0, r);
            }
        }
        return out;
    }

    private static String outermost(String label) {
        int cut = label.indexOf("!/");
        return cut < 0 ? label : label.substring(0, cut);
    }

    private static Optional<Instant> modified(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
