package dev.zmkagent.agent.registry;

import dev.zmkagent.agent.io.UserFiles;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.agent.analyze.ElfIdentityCheck;
import dev.zmkagent.agent.store.JsonKeys;
import dev.zmkagent.device.files.PrivateFiles;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Registered firmware builds, so a capture finds its ELF by itself. One folder per build, named by the first 12 hex
 * digits of the ELF's SHA-256. Builds come from a zmk.elf (plus optionally the .uf2 that was flashed) or from a
 * {@code zmk_debug} CI artifact zip, which carries {@code <artifact>.uf2} next to {@code <artifact>.elf}.
 */
public final class FirmwareRegistry {
    private static final long MAX_FILE = 64L << 20;

    private final Path dir;

    public FirmwareRegistry(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** One registration's outcome. */
    public record Added(RegisteredFirmware firmware, boolean alreadyRegistered, List<String> notes) {
    }

    public List<RegisteredFirmware> list() throws IOException {
        List<RegisteredFirmware> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p.resolve(RegisteredFirmware.METADATA))) {
                    out.add(new RegisteredFirmware(p, JsonKeys.snakeCase(JSON.std.mapFrom(Files.readAllBytes(p.resolve(RegisteredFirmware.METADATA))))));
                }
            }
        }
        out.sort(Comparator.comparing(RegisteredFirmware::addedAt).thenComparing(RegisteredFirmware::id));
        return out;
    }

    public Optional<RegisteredFirmware> byId(String id) throws IOException {
        return list().stream().filter(f -> f.id().equals(id) || f.id().startsWith(id) && id.length() >= 6).findFirst();
    }

    /**
     * Registers builds from the given files: {@code zmk.elf [zmk.uf2 | artifact.zip]} or {@code artifact.zip} alone
     * (every ELF in it, each with the .uf2 of the same name).
     */
    public List<Added> add(List<Path> files) throws IOException {
        if (files.isEmpty() || files.size() > 2) {
            throw new FormatException("give zmk.elf, optionally followed by the .uf2 or the CI artifact .zip; or an artifact .zip alone");
        }
        Path first = files.get(0);
        byte[] firstBytes = read(first);
        if (isZip(firstBytes)) {
            if (files.size() > 1) {
                throw new FormatException(first + " is a zip: give it alone, or give the ELF first and the zip second");
            }
            return addArtifact(first, firstBytes);
        }
        notAZip(first);
        ElfFile elf = parseElf(first, firstBytes);
        Optional<byte[]> uf2 = Optional.empty();
        String name = stripExt(first.getFileName().toString());
        if (files.size() == 2) {
            Path second = files.get(1);
            byte[] secondBytes = read(second);
            if (isZip(secondBytes)) {
                uf2 = Optional.of(uf2FromZipFor(second, secondBytes, elf));
            } else {
                notAZip(second);
                checkUf2Matches(second.toString(), secondBytes, first.toString(), elf);
                uf2 = Optional.of(secondBytes);
            }
        }
        return List.of(register(name, first.toString(), firstBytes, elf, uf2));
    }

    private List<Added> addArtifact(Path zip, byte[] bytes) throws IOException {
        Map<String, byte[]> entries = zipEntries(zip, bytes);
        List<Added> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!e.getKey().toLowerCase(Locale.ROOT).endsWith(".elf")) {
                continue;
            }
            ElfFile elf = parseElf(Path.of(zip + "!" + e.getKey()), e.getValue());
            String base = stripExt(e.getKey());
            Optional<byte[]> uf2 = Optional.empty();
            for (Map.Entry<String, byte[]> u : entries.entrySet()) {
                if (u.getKey().toLowerCase(Locale.ROOT).endsWith(".uf2") && stripExt(u.getKey()).equals(base)) {
                    checkUf2Matches(zip + "!" + u.getKey(), u.getValue(), zip + "!" + e.getKey(), elf);
                    uf2 = Optional.of(u.getValue());
                }
            }
            out.add(register(baseName(base), zip + "!" + e.getKey(), e.getValue(), elf, uf2));
        }
        if (out.isEmpty()) {
            throw new FormatException(zip + " holds no .elf: download the zmk_debug build's artifact (it carries <artifact>.elf), or give zmk.elf itself");
        }
        return out;
    }

    private byte[] uf2FromZipFor(Path zip, byte[] bytes, ElfFile elf) throws IOException {
        List<String> tried = new ArrayList<>();
        for (Map.Entry<String, byte[]> u : zipEntries(zip, bytes).entrySet()) {
            if (u.getKey().toLowerCase(Locale.ROOT).endsWith(".uf2")) {
                tried.add(u.getKey());
                ElfIdentityCheck.Result r = ElfIdentityCheck.check(elf, Uf2File.parse(ByteView.of(u.getValue())).toFlashImage());
                if (!r.mismatch() && r.compared() > 0) {
                    return u.getValue();
                }
            }
        }
        throw new FormatException(zip + ": no .uf2 in it is a build of this ELF" + (tried.isEmpty() ? " (it holds no .uf2)" : " (tried " + String.join(", ", tried) + ")"));
    }

    private static void checkUf2Matches(String where, byte[] uf2Bytes, String elfName, ElfFile elf) {
        ByteView v = ByteView.of(uf2Bytes);
        if (!Uf2File.looksLikeUf2(v)) {
            throw new FormatException(where + " is not a UF2 file");
        }
        ElfIdentityCheck.requireBuildOf(where, Uf2File.parse(v).toFlashImage(), elfName, elf);
    }

    private Added register(String name, String source, byte[] elfBytes, ElfFile elf, Optional<byte[]> uf2) throws IOException {
        String sha = sha256(elfBytes);
        String id = sha.substring(0, 12);
        Path target = dir.resolve(id);
        List<String> notes = new ArrayList<>();
        if (Files.isDirectory(target)) {
            RegisteredFirmware existing = byId(id).orElseThrow();
            if (uf2.isPresent() && existing.uf2Path().isEmpty()) {
                PrivateFiles.writeAtomically(target.resolve(RegisteredFirmware.UF2), uf2.get());
                notes.add("added the .uf2 to the registered build");
            }
            return new Added(byId(id).orElseThrow(), true, notes);
        }
        if (elf.buildId().isEmpty()) {
            notes.add("the ELF has no GNU build ID; it is identified by its SHA-256 and its flash bytes");
        }
        PrivateFiles.createDirectories(dir);
        Path tmp = dir.resolve(".tmp-" + id + "-" + ProcessHandle.current().pid());
        PrivateFiles.deleteTree(tmp);
        PrivateFiles.createPrivateDirectory(tmp);
        try {
            PrivateFiles.writeNew(tmp.resolve(RegisteredFirmware.ELF), elfBytes);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("schema", "zmk-agent.firmware/1");
            meta.put("name", name);
            meta.put("source", source);
            meta.put("elf_sha256", sha);
            elf.buildId().ifPresent(b -> meta.put("build_id", b));
            meta.put("added_at", Instant.now().toString());
            long loadBytes = RegisteredFirmware.loadImage(elf).runs().stream().mapToLong(r -> r.data().length).sum();
            meta.put("load_bytes", loadBytes);
            if (uf2.isPresent()) {
                PrivateFiles.writeNew(tmp.resolve(RegisteredFirmware.UF2), uf2.get());
                meta.put("uf2_sha256", sha256(uf2.get()));
            }
            PrivateFiles.writeNew(tmp.resolve(RegisteredFirmware.METADATA), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(meta).getBytes(StandardCharsets.UTF_8));
            PrivateFiles.fsyncDirectory(tmp);
            PrivateFiles.moveAtomically(tmp, target, false);
            PrivateFiles.fsyncDirectory(dir);
        } finally {
            PrivateFiles.deleteTree(tmp);
        }
        return new Added(byId(id).orElseThrow(), false, notes);
    }

    private static ElfFile parseElf(Path p, byte[] b) {
        try {
            return ElfFile.parse(ByteView.of(b));
        } catch (FormatException e) {
            throw new FormatException(p + ": " + e.getMessage());
        }
    }

    static byte[] read(Path p) throws IOException {
        return UserFiles.read(p, "firmware build file", MAX_FILE);
    }

    /** A file named .zip whose content is not one: say that, not "not an ELF" or "not a UF2". */
    private static void notAZip(Path p) {
        if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            throw new FormatException(p + " is not a zip file (a CI artifact .zip starts with PK): download the artifact again, or give zmk.elf itself");
        }
    }

    private static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    private static Map<String, byte[]> zipEntries(Path zip, byte[] bytes) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                String n = e.getName();
                String lower = n.toLowerCase(Locale.ROOT);
                if (e.isDirectory() || n.contains("__MACOSX") || !(lower.endsWith(".elf") || lower.endsWith(".uf2"))) {
                    continue;
                }
                out.put(n, readBounded(in, zip + "!" + n));
            }
        }
        return out;
    }

    private static byte[] readBounded(InputStream in, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_FILE) {
                throw new FormatException(what + " is larger than 64 MiB: not a firmware build");
            }
        }
        return out.toByteArray();
    }

    private static String stripExt(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String baseName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
