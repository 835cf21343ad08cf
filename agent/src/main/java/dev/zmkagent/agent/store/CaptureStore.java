package dev.zmkagent.agent.store;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.device.files.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The capture store: one folder per capture, named by time, board and crash signature, holding the partition image,
 * CURRENT.UF2 when copied, INFO_UF2.TXT, the reports and {@code capture.json}.
 *
 * <p>Rules: a folder is built under a temporary dot-name, every file fsynced, then renamed into place, so a capture
 * either appears whole or not at all. The same partition content (SHA-256) is stored once. The store never
 * overwrites or deletes a capture; only the derived reports are replaced by {@code reanalyze}. Folders are 0700,
 * files 0600. A lock file serialises writers across processes (a running {@code watch} and a manual
 * {@code capture}).
 */
public final class CaptureStore {
    public static final String SCHEMA = "zmk-agent.capture/1";
    public static final String METADATA = "capture.json";
    private static final String TMP_PREFIX = ".tmp-";
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;

    public CaptureStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The outcome of {@link #save}: the capture, and whether it was already there. */
    public record Saved(StoredCapture capture, boolean alreadyCaptured) {
    }

    /** Folder name for a capture: {@code 2026-11-26_07-09-12Z_nice_nano_3f2a9c1b7e04}. */
    public static String folderName(Instant at, String board, String signature) {
        String sig = signature.length() > 12 ? signature.substring(0, 12) : signature;
        return NAME_TIME.format(at) + "_" + safe(board) + "_" + safe(sig);
    }

    static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9_.-]", "_");
        return t.isEmpty() ? "unknown" : t;
    }

    /** A capture folder whose capture.json cannot be read: listed apart, never guessed at, never deleted. */
    public record Damaged(Path dir, String problem) {
        public String describe() {
            return "capture " + dir + " is skipped: its " + METADATA + " " + problem;
        }
    }

    /** The readable captures, oldest first, and the damaged ones. */
    public record Listing(List<StoredCapture> captures, List<Damaged> damaged) {
    }

    public synchronized List<StoredCapture> list() throws IOException {
        return listing().captures();
    }

    public synchronized Listing listing() throws IOException {
        List<StoredCapture> out = new ArrayList<>();
        List<Damaged> damaged = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Listing(out, damaged);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().startsWith(".") || !Files.isRegularFile(p.resolve(METADATA))) {
                    continue;
                }
                try {
                    out.add(read(p));
                } catch (DamagedCaptureException e) {
                    damaged.add(new Damaged(p, e.problem()));
                }
            }
        }
        out.sort(Comparator.comparing(StoredCapture::capturedAt).thenComparing(StoredCapture::id));
        damaged.sort(Comparator.comparing(d -> d.dir().getFileName().toString()));
        return new Listing(out, damaged);
    }

    /** Thrown for a capture.json that is not JSON, or lacks what every capture has; names the file. */
    public static final class DamagedCaptureException extends IOException {
        private final String problem;

        DamagedCaptureException(Path folder, String problem) {
            super(folder.resolve(METADATA) + " is damaged: " + problem + " (the capture's other files are untouched)");
            this.problem = "is damaged: " + problem;
        }

        String problem() {
            return problem;
        }
    }

    static StoredCapture read(Path folder) throws IOException {
        Map<String, Object> meta;
        try {
            meta = JsonKeys.snakeCase(JSON.std.mapFrom(Files.readAllBytes(folder.resolve(METADATA))));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new DamagedCaptureException(folder, firstLine(e.getOriginalMessage()) + locationOf(e));
        } catch (java.io.CharConversionException e) {
            // bytes that are no Unicode text at all (Jackson's decoder reports them outside its JSON exceptions)
            throw new DamagedCaptureException(folder, "it is not text: " + firstLine(e.getMessage()));
        }
        if (meta == null) {
            throw new DamagedCaptureException(folder, "it holds no JSON object");
        }
        Optional<String> problem = StoredCapture.problemWith(meta);
        if (problem.isPresent()) {
            throw new DamagedCaptureException(folder, problem.get());
        }
        return new StoredCapture(folder, meta);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "not JSON";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String locationOf(com.fasterxml.jackson.core.JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    public synchronized Optional<StoredCapture> findByPartitionHash(String sha256) throws IOException {
        for (StoredCapture c : list()) {
            if (c.partitionSha256().equalsIgnoreCase(sha256)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * Finds a capture by folder name, a unique prefix of it, a path to its folder, or {@code last}/{@code latest}.
     */
    public Optional<StoredCapture> resolve(String ref) throws IOException {
        Path asPath = Path.of(ref);
        if (Files.isRegularFile(asPath.resolve(METADATA))) {
            return Optional.of(read(asPath));
        }
        Listing listing = listing();
        List<StoredCapture> all = listing.captures();
        for (Damaged d : listing.damaged()) {
            if (d.dir().getFileName().toString().equals(ref)) {
                throw new DamagedCaptureException(d.dir(), d.problem().substring("is damaged: ".length()));
            }
        }
        if (ref.equals("last") || ref.equals("latest")) {
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }
        List<StoredCapture> hits = all.stream().filter(c -> c.id().equals(ref)).toList();
        if (hits.isEmpty()) {
            hits = all.stream().filter(c -> c.id().startsWith(ref)).toList();
        }
        if (hits.size() > 1) {
            throw new IOException("'" + ref + "' matches " + hits.size() + " captures; give more of the name");
        }
        return hits.stream().findFirst();
    }

    /**
     * Stores a new capture unless one with the same partition hash exists. {@code files} maps file names to their
     * content; {@code metadata} is written as {@code capture.json} with the schema, id and partition hash added.
     */
    public Saved save(String name, String partitionSha256, Map<String, byte[]> files, Map<String, Object> metadata) throws IOException {
        PrivateFiles.createDirectories(dir);
        // File locks are per process: threads of this JVM queue on a monitor first.
        synchronized (JVM_LOCK) {
            return saveLocked(name, partitionSha256, files, metadata);
        }
    }

    private static final Object JVM_LOCK = new Object();

    private Saved saveLocked(String name, String partitionSha256, Map<String, byte[]> files, Map<String, Object> metadata) throws IOException {
        try (FileChannel lockFile = PrivateFiles.openLockFile(dir.resolve(".lock"));
             FileLock lock = lockFile.lock()) {
            synchronized (this) {
                Optional<StoredCapture> existing = findByPartitionHash(partitionSha256);
                if (existing.isPresent()) {
                    return new Saved(existing.get(), true);
                }
                Path tmp = dir.resolve(TMP_PREFIX + name + "-" + ProcessHandle.current().pid());
                PrivateFiles.deleteTree(tmp); // a leftover of this very process id, never a capture
                PrivateFiles.createPrivateDirectory(tmp);
                try {
                    Map<String, Object> meta = new LinkedHashMap<>();
                    meta.put("schema", SCHEMA);
                    meta.putAll(metadata);
                    List<String> written = new ArrayList<>();
                    Map<String, String> notKept = new LinkedHashMap<>();
                    // The dump and its reports first, the large copy of CURRENT.UF2 (kept only for the record) last: on a
                    // nearly full disk the capture keeps what the analysis needs and says what it left out.
                    for (String f : writeOrder(files.keySet())) {
                        try {
                            PrivateFiles.writeNew(tmp.resolve(f), files.get(f));
                            written.add(f);
                        } catch (IOException e) {
                            Files.deleteIfExists(tmp.resolve(f));
                            if (!f.equals(CURRENT_UF2) || !DiskSpace.isFull(e)) {
                                throw DiskSpace.isFull(e) ? DiskSpace.notStored(dir, files) : e;
                            }
                            notKept.put(f, DiskSpace.notKept(files.get(f).length));
                        }
                    }
                    writeMetadata(tmp, meta, written, notKept, files);
                    PrivateFiles.fsyncDirectory(tmp);
                    Path target = uniqueTarget(name);
                    PrivateFiles.moveAtomically(tmp, target, false);
                    PrivateFiles.fsyncDirectory(dir);
                    return new Saved(read(target), false);
                } finally {
                    PrivateFiles.deleteTree(tmp);
                }
            }
        }
    }

    /** Every file but CURRENT.UF2 in the given order, then CURRENT.UF2. */
    private static List<String> writeOrder(java.util.Set<String> names) {
        List<String> order = new ArrayList<>(names);
        if (order.remove(CURRENT_UF2)) {
            order.add(CURRENT_UF2);
        }
        return order;
    }

    /** capture.json, naming the files kept; if the disk fills up now, CURRENT.UF2 makes room for it. */
    private void writeMetadata(Path tmp, Map<String, Object> meta, List<String> written, Map<String, String> notKept, Map<String, byte[]> files)
            throws IOException {
        while (true) {
            meta.put("files", new ArrayList<>(written));
            if (notKept.isEmpty()) {
                meta.remove("not_kept");
            } else {
                // A list of {file, reason}: file names are values, never keys (keys are snake_cased when read back).
                List<Map<String, Object>> list = new ArrayList<>();
                notKept.forEach((f, why) -> list.add(new LinkedHashMap<>(Map.of("file", f, "reason", why))));
                meta.put("not_kept", list);
            }
            try {
                PrivateFiles.writeNew(tmp.resolve(METADATA), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(meta).getBytes(StandardCharsets.UTF_8));
                return;
            } catch (IOException e) {
                Files.deleteIfExists(tmp.resolve(METADATA));
                if (!DiskSpace.isFull(e) || !written.remove(CURRENT_UF2)) {
                    throw DiskSpace.isFull(e) ? DiskSpace.notStored(dir, files) : e;
                }
                Files.deleteIfExists(tmp.resolve(CURRENT_UF2));
                notKept.put(CURRENT_UF2, DiskSpace.notKept(files.get(CURRENT_UF2).length));
            }
        }
    }

    private Path uniqueTarget(String name) {
        Path p = dir.resolve(name);
        for (int i = 2; Files.exists(p); i++) {
            p = dir.resolve(name + "-" + i);
        }
        return p;
    }

    /**
     * Replaces a capture's derived files (reports) and merges {@code metadataUpdates} into its metadata, each file
     * atomically. The dump files themselves (partition image, CURRENT.UF2, INFO_UF2.TXT) are never rewritten.
     */
    public synchronized StoredCapture updateDerived(StoredCapture c, Map<String, byte[]> reports, Map<String, Object> metadataUpdates) throws IOException {
        for (Map.Entry<String, byte[]> f : reports.entrySet()) {
            if (DUMP_FILES.contains(f.getKey()) || f.getKey().equals(METADATA)) {
                throw new FileAlreadyExistsException(c.file(f.getKey()).toString(), null, "dump files of a capture are never rewritten");
            }
            PrivateFiles.writeAtomically(c.file(f.getKey()), f.getValue());
        }
        Map<String, Object> meta = new LinkedHashMap<>(c.metadata());
        meta.putAll(metadataUpdates);
        PrivateFiles.writeAtomically(c.file(METADATA), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(meta).getBytes(StandardCharsets.UTF_8));
        return read(c.dir());
    }

    public static final String PARTITION_FILE = "partition.bin";
    public static final String CURRENT_UF2 = "CURRENT.UF2";
    public static final String INFO_FILE = "INFO_UF2.TXT";
    static final List<String> DUMP_FILES = List.of(PARTITION_FILE, CURRENT_UF2, INFO_FILE);
}
