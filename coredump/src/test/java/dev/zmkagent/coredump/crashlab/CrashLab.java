package dev.zmkagent.coredump.crashlab;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSegment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The crash-lab fixtures (crashlab/README.md): per scenario the firmware ELF, the 64 KiB coredump partition after a
 * real fault in QEMU, and gdb's live view at the fault as ground truth. Shared with the other modules' tests.
 */
public final class CrashLab {
    private CrashLab() {
    }

    public static Path root() {
        String repo = System.getProperty("zmkagent.repoRoot");
        if (repo != null) {
            Path p = Paths.get(repo, "coredump", "src", "test", "resources", "crashlab");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        URL url = CrashLab.class.getResource("/crashlab/mbr.elf");
        if (url == null) {
            throw new IllegalStateException("crash-lab fixtures not found: set -Dzmkagent.repoRoot to the repository");
        }
        try {
            return Paths.get(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Scenario> scenarios() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("scenario.json"))).sorted().map(Scenario::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code needle} occurs anywhere in {@code hay}. */
    public static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public static Scenario scenario(String name) {
        return new Scenario(root().resolve(name));
    }

    public static byte[] mbrElf() {
        return read(root().resolve("mbr.elf"));
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Path p) {
        try {
            return JSON.std.mapFrom(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long hex(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        String s = String.valueOf(o).toLowerCase();
        return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
    }

    /** One scenario's fixture folder. */
    public record Scenario(Path dir) {
        public String name() {
            return dir.getFileName().toString();
        }

        @Override
        public String toString() {
            return name();
        }

        public Map<String, Object> meta() {
            return json(dir.resolve("scenario.json"));
        }

        public boolean hasTruth() {
            return Files.isRegularFile(dir.resolve("truth.json"));
        }

        public Map<String, Object> truth() {
            return json(dir.resolve("truth.json"));
        }

        public Path appElfPath() {
            return dir.resolve("app.elf");
        }

        public byte[] appElf() {
            return read(appElfPath());
        }

        public byte[] partition() {
            return read(dir.resolve("partition.bin"));
        }

        public long partitionAddress() {
            return hex(meta().get("partition_address"));
        }

        public Path file(String name) {
            return dir.resolve(name);
        }

        /** False for the lab-only targets (Cortex-M33) whose dump is delivered as the partition image. */
        public boolean hasBootloader() {
            return meta().get("bootloader") != null;
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> bootloader() {
            return (Map<String, Object>) meta().get("bootloader");
        }

        /** The build's own UF2 (zmk.uf2, made as Zephyr makes it: gap-filled binary, uf2conv.py), if the scenario has one. */
        public java.util.Optional<Path> buildUf2() {
            Path p = dir.resolve("zmk.uf2");
            return Files.isRegularFile(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
        }

        /**
         * The whole 1 MiB flash after the crash, as the lab's README says: erased, then the PT_LOAD segments of the MBR
         * stub and the application at their load addresses (or, for a scenario with the build's zmk.uf2, the payloads of
         * its blocks, as the bootloader writes them), then the coredump partition.
         */
        public byte[] composeFlash() {
            byte[] flash = new byte[0x100000];
            Arrays.fill(flash, (byte) 0xFF);
            java.util.Optional<Path> uf2 = buildUf2();
            for (byte[] elf : uf2.isPresent() ? List.of(mbrElf()) : List.of(mbrElf(), appElf())) {
                for (ElfSegment seg : ElfFile.parse(ByteView.of(elf)).loadSegments()) {
                    if (seg.fileSize() > 0) {
                        seg.data().copyTo(0, flash, (int) seg.physicalAddress(), (int) seg.fileSize());
                    }
                }
            }
            if (uf2.isPresent()) {
                ByteView u = ByteView.of(read(uf2.get()));
                for (long off = 0; off + 512 <= u.length(); off += 512) {
                    long target = u.u32((int) off + 12);
                    int size = (int) u.u32((int) off + 16);
                    u.copyTo((int) off + 32, flash, (int) target, size);
                }
            }
            byte[] part = partition();
            System.arraycopy(part, 0, flash, (int) partitionAddress(), part.length);
            if (settings().isPresent()) {
                byte[] st = read(dir.resolve("settings.bin"));
                System.arraycopy(st, 0, flash, (int) hex(settings().get().get("address")), st.length);
            }
            return flash;
        }

        /**
         * The alloca scenarios' function whose sp moved at run time, when the dump does not prove its CFA (scenario.json
         * "alloca" with provable false: its frame pointer r7 is not in the dump): a backtrace from the dump must end with
         * that function's frame and say why. Empty for every other scenario.
         */
        @SuppressWarnings("unchecked")
        public java.util.Optional<String> unprovableAllocaFrame() {
            Map<String, Object> a = (Map<String, Object>) meta().get("alloca");
            return a == null || Boolean.TRUE.equals(a.get("provable")) ? java.util.Optional.empty() : java.util.Optional.of((String) a.get("function"));
        }

        /** The bond scenarios' settings facts (scenario.json "settings": address, size, format, records, bonds, identity IRKs). */
        @SuppressWarnings("unchecked")
        public java.util.Optional<Map<String, Object>> settings() {
            return java.util.Optional.ofNullable((Map<String, Object>) meta().get("settings"));
        }

        /**
         * Every key value the lab wrote (LTKs with their rand, IRKs, peripheral LTKs of the current and the superseded bonds,
         * the identity IRKs), as bytes; empty for scenarios without bonds.
         */
        @SuppressWarnings("unchecked")
        public List<byte[]> keyValues() {
            List<byte[]> out = new java.util.ArrayList<>();
            settings().ifPresent(st -> {
                for (String group : List.of("bonds", "superseded_bonds")) {
                    for (Map<String, Object> b : (List<Map<String, Object>>) st.get(group)) {
                        for (String k : List.of("ltk", "ltk_rand", "irk", "periph_ltk", "periph_ltk_rand")) {
                            out.add(java.util.HexFormat.of().parseHex((String) b.get(k)));
                        }
                    }
                }
                for (String irk : (List<String>) st.get("identity_irks")) {
                    out.add(java.util.HexFormat.of().parseHex(irk));
                }
            });
            return out;
        }

        /** What no redacted file may hold: every key value of {@link #keyValues} and each 8-byte half of a 16-byte one. */
        public List<byte[]> keyNeedles() {
            List<byte[]> out = new java.util.ArrayList<>();
            for (byte[] k : keyValues()) {
                out.add(k);
                if (k.length == 16) {
                    out.add(java.util.Arrays.copyOfRange(k, 0, 8));
                    out.add(java.util.Arrays.copyOfRange(k, 8, 16));
                }
            }
            return out;
        }
    }
}
