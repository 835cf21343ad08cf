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

    public synchronized List<StoredCapture> list() throws IOException {
        List<StoredCapture> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().startsWith(".") || !Files.isRegularFile(p.resolve(METADATA))) {
                    continue;
                }
                out.add(read(p));
            }
        }
        out.sort(Comparator.comparing(StoredCapture::capturedAt).thenComparing(StoredCapture::id));
        return out;
    }

    static StoredCapture read(Path folder) throws IOException {
        Map<String, Object> meta = JsonKeys.snakeCase(JSON.std.mapFrom(Files.readAllBytes(folder.resolve(METADATA))));
        return new StoredCapture(folder, meta);
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
        List<StoredCapture> all = list();
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
                    meta.put("files", new ArrayList<>(files.keySet()));
                    for (Map.Entry<String, byte[]> f : files.entrySet()) {
                        PrivateFiles.writeNew(tmp.resolve(f.getKey()), f.getValue());
                    }
                    PrivateFiles.writeNew(tmp.resolve(METADATA), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(meta).getBytes(StandardCharsets.UTF_8));
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
