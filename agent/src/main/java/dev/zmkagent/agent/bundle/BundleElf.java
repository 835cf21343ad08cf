package dev.zmkagent.agent.bundle;

import dev.zmkagent.agent.io.UserFiles;
import dev.zmkagent.agent.registry.FirmwareMatcher;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.registry.RegisteredFirmware;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The firmware ELF of a capture, which redaction needs (the key objects are found from its symbols and types) and
 * which the bundle carries. Found, in order: the one given with {@code --elf}; the registered build the capture was
 * analyzed with; an ELF file the capture's metadata names whose SHA-256 still matches; the registered build whose
 * bytes match the capture's CURRENT.UF2.
 *
 * @param label      where it is on this machine; {@code sharedLabel} names it without local paths, for what leaves the machine
 * @param ciArtifact for a build registered from a zmk_debug CI artifact: the artifact zip's file name and the ELF's
 *                   name inside it (the registry records {@code <zip>!<entry>} as its source)
 */
public record BundleElf(byte[] bytes, ElfFile elf, String label, String sharedLabel, String sha256, Optional<CiArtifact> ciArtifact) {
    public record CiArtifact(String zipFile, String entry) {
    }

    /** {@code currentUf2}: the capture's CURRENT.UF2 as the caller already read it (empty when the capture has none). */
    public static Optional<BundleElf> find(StoredCapture c, Optional<Path> given, Optional<byte[]> currentUf2, FirmwareRegistry registry)
            throws IOException {
        if (given.isPresent()) {
            byte[] b = UserFiles.read(given.get(), "ELF", UserFiles.MAX_INPUT);
            return Optional.of(new BundleElf(b, parse(given.get().toString(), b), given.get().toString(), fileName(given.get()) + " (given with --elf)",
                    FirmwareRegistry.sha256(b), Optional.empty()));
        }
        Optional<Map<String, Object>> fw = c.firmware();
        if (fw.isPresent()) {
            String sha = String.valueOf(fw.get().getOrDefault("elf_sha256", ""));
            Object id = fw.get().get("id");
            if (id != null) {
                Optional<RegisteredFirmware> r = registry.byId(String.valueOf(id)).filter(x -> x.elfSha256().equalsIgnoreCase(sha));
                if (r.isPresent()) {
                    return Optional.of(of(r.get()));
                }
            }
            Object path = fw.get().get("elf");
            if (path != null && Files.isRegularFile(Path.of(String.valueOf(path)))) {
                Path p = Path.of(String.valueOf(path));
                byte[] b = UserFiles.read(p, "ELF", UserFiles.MAX_INPUT);
                if (FirmwareRegistry.sha256(b).equalsIgnoreCase(sha)) {
                    return Optional.of(new BundleElf(b, parse(p.toString(), b), p.toString(), fileName(p) + " (the ELF the capture was analyzed with)", sha,
                            Optional.empty()));
                }
            }
        }
        if (currentUf2.isPresent()) {
            Optional<FirmwareMatcher.Match> m = FirmwareMatcher.verifyAny(registry.list(), Uf2File.parse(ByteView.of(currentUf2.get())).toFlashImage());
            if (m.isPresent()) {
                return Optional.of(of(m.get().firmware()));
            }
        }
        return Optional.empty();
    }

    private static BundleElf of(RegisteredFirmware f) throws IOException {
        byte[] b = Files.readAllBytes(f.elfPath());
        String source = String.valueOf(f.metadata().getOrDefault("source", ""));
        Optional<CiArtifact> ci = Optional.empty();
        int bang = source.indexOf('!');
        if (bang > 0) {
            ci = Optional.of(new CiArtifact(Path.of(source.substring(0, bang)).getFileName().toString(), source.substring(bang + 1)));
        }
        String build = "registered build " + f.id() + ", " + f.name();
        return new BundleElf(b, f.elf(), f.elfPath() + " (" + build + ")", ci.map(a -> a.entry() + " of the CI artifact " + a.zipFile() + " (" + build + ")")
                .orElse(f.name() + ".elf (" + build + ")"), f.elfSha256(), ci);
    }

    private static String fileName(Path p) {
        return p.getFileName() == null ? p.toString() : p.getFileName().toString();
    }

    private static ElfFile parse(String where, byte[] b) {
        try {
            return ElfFile.parse(ByteView.of(b));
        } catch (FormatException e) {
            throw new FormatException(where + ": " + e.getMessage());
        }
    }
}
