package dev.zmkagent.agent.bundle;

import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.capture.Reanalyzer;
import dev.zmkagent.agent.io.UserFiles;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.files.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What to attach to a GitHub issue, in one zip under a folder named by the capture: report.md (generated from the
 * bundled, redacted dump), the coredump partition image, INFO_UF2.TXT, firmware.txt (identity), the ELF (or, for a
 * build registered from a CI artifact, the artifact's name in firmware.txt), REDACTED.txt, and CURRENT.UF2 only when
 * asked (it is the whole application flash).
 *
 * <p>Redaction is the default: the Bluetooth keys in the dumped RAM and in any flash image are removed from the copies
 * that go into the zip ({@link CaptureRedactor}); the capture on disk is only read, never changed. Written atomically,
 * user-only.
 */
public final class Bundler {
    public static final String ELF_FILE = "zmk.elf";
    /** What --no-redact prints, one line: why raw bytes must not be posted publicly. */
    public static final String NO_REDACT_WARNING = "--no-redact: this bundle holds the raw dump and flash, with the Bluetooth bonding keys (LTK, IRK) of every"
            + " paired computer; whoever reads it can impersonate the keyboard to those computers and decrypt its link, i.e. read your keystrokes."
            + " Share it only with people you trust, never in a public issue.";

    private final BoardCatalog catalog;
    private final CaptureStore store;
    private final FirmwareRegistry registry;

    public Bundler(BoardCatalog catalog, CaptureStore store, FirmwareRegistry registry) {
        this.catalog = catalog;
        this.store = store;
        this.registry = registry;
    }

    /** {@code elf}: the ELF given with --elf, else the capture's own or the matching registered build. */
    public record Options(boolean full, boolean redact, Optional<Path> elf) {
    }

    /**
     * The bundle's files in zip order (names without the folder), the Markdown of report.md, what was redacted (empty
     * with --no-redact) and the warning to print (with --no-redact).
     */
    public record Bundle(String folder, Map<String, byte[]> files, String markdown, Optional<CaptureRedactor.Redacted> redacted,
                         Optional<String> warning) {
        public List<String> names() {
            return List.copyOf(files.keySet());
        }

        public void writeZip(Path out) throws IOException {
            checkOutput(out);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    zip.putNextEntry(new ZipEntry(folder + "/" + f.getKey()));
                    zip.write(f.getValue());
                    zip.closeEntry();
                }
            }
            PrivateFiles.writeAtomically(out, bytes.toByteArray());
        }
    }

    /** Refuses an output path whose folder is missing (before any work is done). */
    public static void checkOutput(Path out) {
        Path folder = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new FormatException("the output folder " + folder + (Files.exists(folder) ? " is not a folder" : " does not exist"));
        }
    }

    public Bundle prepare(StoredCapture c, Options o) throws IOException {
        boolean hasUf2 = Files.isRegularFile(c.file(CaptureStore.CURRENT_UF2));
        if (o.full() && !hasUf2) {
            throw new IOException("capture " + c.id() + " holds no CURRENT.UF2 (it was taken with --region-only); bundle it without --full");
        }
        byte[] partition = read(c, CaptureStore.PARTITION_FILE).orElse(new byte[0]);
        Optional<byte[]> uf2 = hasUf2 ? read(c, CaptureStore.CURRENT_UF2) : Optional.empty();
        Optional<BundleElf> elf = BundleElf.find(c, o.elf(), uf2, registry);
        if (o.redact() && elf.isEmpty()) {
            throw new FormatException("capture " + c.id() + ": no ELF found to locate the Bluetooth keys its dump holds, so it cannot be redacted:"
                    + " give --elf FILE, register the build with 'zmk-agent firmware add zmk.elf' (or the CI artifact .zip), or bundle the raw bytes"
                    + " with --no-redact");
        }
        // CURRENT.UF2 is redacted even when it stays out of the zip: the report is made from it too.
        Optional<CaptureRedactor.Redacted> redactedAll = o.redact()
                ? Optional.of(CaptureRedactor.redact(c, partition, uf2, elf.get().elf(), catalog))
                : Optional.empty();
        byte[] outPartition = redactedAll.map(CaptureRedactor.Redacted::partition).orElse(partition);
        Optional<byte[]> outUf2 = redactedAll.isPresent() ? redactedAll.get().currentUf2() : uf2;
        Optional<CaptureRedactor.Redacted> redacted = o.full() ? redactedAll : redactedAll.map(CaptureRedactor.Redacted::withoutCurrentUf2);
        CrashReport report = new Reanalyzer(catalog, store, registry).report(c, outPartition, outUf2,
                elf.map(e -> new Capturer.Symbols(e.elf(), e.sharedLabel())), new ArrayList<>(), true);
        String markdown = MarkdownReport.render(report);

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("report.md", markdown.getBytes(StandardCharsets.UTF_8));
        if (Files.isRegularFile(c.file(CaptureStore.PARTITION_FILE))) {
            files.put(CaptureStore.PARTITION_FILE, outPartition);
        }
        read(c, CaptureStore.INFO_FILE).ifPresent(b -> files.put(CaptureStore.INFO_FILE, b));
        files.put("firmware.txt", firmwareText(c, elf).getBytes(StandardCharsets.UTF_8));
        if (elf.isPresent() && elf.get().ciArtifact().isEmpty()) {
            files.put(ELF_FILE, elf.get().bytes());
        }
        Optional<String> warning = o.redact() ? Optional.empty() : Optional.of(NO_REDACT_WARNING);
        files.put(RedactedText.NAME, (redacted.isPresent() ? RedactedText.render(c.id(), elf.get(), redacted.get())
                : RedactedText.raw(c.id(), NO_REDACT_WARNING)).getBytes(StandardCharsets.UTF_8));
        if (o.full()) {
            files.put(CaptureStore.CURRENT_UF2, outUf2.orElseThrow());
        }
        return new Bundle(c.id(), files, markdown, redacted, warning);
    }

    private static Optional<byte[]> read(StoredCapture c, String name) throws IOException {
        Path p = c.file(name);
        return Files.isRegularFile(p) ? Optional.of(UserFiles.read(p, name, UserFiles.MAX_INPUT)) : Optional.empty();
    }

    static String firmwareText(StoredCapture c, Optional<BundleElf> elf) {
        StringBuilder s = new StringBuilder("Firmware identity of capture ").append(c.id()).append('\n');
        s.append("board: ").append(c.board()).append('\n');
        c.section("drive").ifPresent(d -> {
            if (d.get("bootloader") != null) {
                s.append("bootloader: ").append(d.get("bootloader")).append('\n');
            }
        });
        if (c.firmware().isEmpty()) {
            s.append("firmware: unknown (no registered build matched the device)\n");
        } else {
            Map<String, Object> f = c.firmware().get();
            s.append("firmware: ").append(f.get("name")).append('\n');
            s.append("ELF build-id: ").append(f.getOrDefault("build_id", "none (the ELF has no GNU build ID)")).append('\n');
            s.append("ELF SHA-256: ").append(f.get("elf_sha256")).append('\n');
            s.append("matched: ").append(f.get("match")).append('\n');
        }
        if (elf.isEmpty()) {
            s.append("ELF in this bundle: none (no ELF was found for this capture)\n");
        } else if (elf.get().ciArtifact().isPresent()) {
            BundleElf.CiArtifact a = elf.get().ciArtifact().get();
            s.append("CI artifact: ").append(a.zipFile()).append(", file ").append(a.entry()).append(" (SHA-256 ").append(elf.get().sha256())
                    .append("): the ELF is not included; it is that file of the build's zmk_debug artifact\n");
        } else {
            s.append("ELF in this bundle: ").append(ELF_FILE).append(" (SHA-256 ").append(elf.get().sha256()).append(")\n");
        }
        s.append("partition SHA-256: ").append(c.partitionSha256()).append(" (as captured, before redaction)\n");
        s.append("crash signature: ").append(c.signature()).append('\n');
        return s.toString();
    }
}
