package dev.zmkagent.agent.registry;

import dev.zmkagent.agent.analyze.ElfIdentityCheck;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.device.uf2.FlashImage;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A build in the firmware registry: its folder holds {@code zmk.elf}, optionally {@code zmk.uf2}, and {@code firmware.json}. */
public final class RegisteredFirmware {
    public static final String ELF = "zmk.elf";
    public static final String UF2 = "zmk.uf2";
    public static final String METADATA = "firmware.json";

    private final Path dir;
    private final Map<String, Object> metadata;
    private ElfFile elf;
    private FlashImage expected;

    RegisteredFirmware(Path dir, Map<String, Object> metadata) {
        this.dir = dir;
        this.metadata = metadata;
    }

    public String id() {
        return dir.getFileName().toString();
    }

    public Path dir() {
        return dir;
    }

    public String name() {
        return String.valueOf(metadata.getOrDefault("name", id()));
    }

    public String elfSha256() {
        return String.valueOf(metadata.getOrDefault("elf_sha256", ""));
    }

    public Optional<String> buildId() {
        Object b = metadata.get("build_id");
        return b == null ? Optional.empty() : Optional.of(String.valueOf(b));
    }

    public Instant addedAt() {
        Object t = metadata.get("added_at");
        return t instanceof String s ? Instant.parse(s) : Instant.EPOCH;
    }

    public Path elfPath() {
        return dir.resolve(ELF);
    }

    public Optional<Path> uf2Path() {
        Path p = dir.resolve(UF2);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public synchronized ElfFile elf() {
        if (elf == null) {
            try {
                elf = ElfFile.parse(ByteView.of(Files.readAllBytes(elfPath())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return elf;
    }

    /**
     * The flash bytes this build puts on the device: the registered .uf2's content when there is one (exactly what
     * was flashed), else the ELF's loadable bytes at their load addresses.
     */
    public synchronized FlashImage expectedFlash() {
        if (expected == null) {
            try {
                if (uf2Path().isPresent()) {
                    expected = Uf2File.parse(ByteView.of(Files.readAllBytes(uf2Path().get()))).toFlashImage();
                } else {
                    expected = loadImage(elf());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return expected;
    }

    /** The bytes the ELF defines in flash (not the alignment gaps a gap-filled .uf2 holds as 0xFF). */
    static FlashImage loadImage(ElfFile elf) {
        return ElfIdentityCheck.definedImage(elf);
    }

    @Override
    public String toString() {
        return id() + " (" + name() + ")";
    }
}
