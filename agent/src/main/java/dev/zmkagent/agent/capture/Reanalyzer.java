package dev.zmkagent.agent.capture;

import dev.zmkagent.agent.analyze.InputKind;
import dev.zmkagent.agent.io.UserFiles;
import dev.zmkagent.agent.registry.FirmwareMatcher;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.uf2.FlashImage;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Analyzes a stored capture again: with a given ELF, or with the registered build that matches its CURRENT.UF2.
 * Rewrites only the reports and the metadata's analysis fields; the dump files stay as captured.
 */
public final class Reanalyzer {
    private final BoardCatalog catalog;
    private final CaptureStore store;
    private final FirmwareRegistry registry;

    public Reanalyzer(BoardCatalog catalog, CaptureStore store, FirmwareRegistry registry) {
        this.catalog = catalog;
        this.store = store;
        this.registry = registry;
    }

    public record Result(StoredCapture capture, CrashReport report) {
    }

    public Result reanalyze(StoredCapture c, Optional<Path> elfPath) throws IOException {
        Optional<byte[]> current = Files.isRegularFile(c.file(CaptureStore.CURRENT_UF2))
                ? Optional.of(UserFiles.read(c.file(CaptureStore.CURRENT_UF2), "CURRENT.UF2", UserFiles.MAX_INPUT))
                : Optional.empty();
        Optional<FlashImage> flash = current.map(Reanalyzer::flashOf);
        List<String> notes = new ArrayList<>();
        Optional<Capturer.Symbols> symbols = Optional.empty();
        Map<String, Object> fwMeta = null;
        if (elfPath.isPresent()) {
            byte[] bytes = UserFiles.read(elfPath.get(), "ELF", UserFiles.MAX_INPUT);
            ElfFile elf;
            try {
                elf = ElfFile.parse(ByteView.of(bytes));
            } catch (FormatException e) {
                throw new FormatException(elfPath.get() + ": " + e.getMessage());
            }
            symbols = Optional.of(new Capturer.Symbols(elf, elfPath.get().toString()));
            fwMeta = new LinkedHashMap<>();
            fwMeta.put("name", elfPath.get().getFileName().toString());
            fwMeta.put("elf", elfPath.get().toAbsolutePath().toString());
            fwMeta.put("elf_sha256", FirmwareRegistry.sha256(bytes));
            Map<String, Object> fm = fwMeta;
            elf.buildId().ifPresent(b -> fm.put("build_id", b));
            fwMeta.put("match", "given with --elf");
        } else if (flash.isPresent()) {
            Optional<FirmwareMatcher.Match> m = FirmwareMatcher.verifyAny(registry.list(), flash.get());
            if (m.isPresent()) {
                symbols = Optional.of(Capturer.Symbols.of(m.get().firmware()));
                fwMeta = Capturer.firmwareMetadata(m.get().firmware(), m.get().describe());
            }
        } else {
            notes.add("the capture holds no CURRENT.UF2 (" + ("pre-flash".equals(c.metadata().get("source")) ? "read before flashing, only the partition"
                    + " was saved" : "taken with --region-only") + "), so its build cannot be recognised: give --elf");
        }
        Path file = c.file(CaptureStore.PARTITION_FILE);
        byte[] saved = Files.isRegularFile(file) ? UserFiles.read(file, "partition image", UserFiles.MAX_INPUT) : new byte[0];
        CrashReport report = report(c, saved, current, symbols, notes, false);
        if (report.dump().isEmpty() && c.section("dump").isPresent()) {
            // The capture recorded a crash: a reanalysis that finds none read damaged files. Keep the stored reports.
            throw new FormatException(String.format("capture %s recorded a %s crash, but neither its %s nor its CURRENT.UF2 holds a readable dump"
                    + " now (damaged files?): its reports were left as they are", c.dir(), c.reason().orElse("stored"), CaptureStore.PARTITION_FILE));
        }
        Map<String, Object> updates = new LinkedHashMap<>();
        String signature = CrashSignatures.of(report);
        updates.put("signature", signature);
        report.dump().ifPresent(dump -> {
            Map<String, Object> x = new LinkedHashMap<>(c.section("dump").orElse(Map.of()));
            x.put("reason", dump.reasonName());
            CrashSignatures.crashingFunction(report).ifPresent(f -> x.put("function", f));
            x.put("headline", CrashSignatures.headline(report));
            updates.put("dump", x);
        });
        updates.put("firmware", fwMeta);
        updates.put("reanalyzed_at", java.time.Instant.now().toString());
        StoredCapture updated = store.updateDerived(c, Capturer.reportFiles(report), updates);
        return new Result(updated, report);
    }

    private static FlashImage flashOf(byte[] uf2) {
        return Uf2File.parse(ByteView.of(uf2)).toFlashImage();
    }

    /**
     * The report of a capture read from the given bytes of its files (the stored ones, or copies such as a bundle's
     * redacted ones), with the given symbols; writes nothing. {@code partitionFile} is partition.bin's content (empty
     * when there is none). {@code shared}: the report leaves the machine (a bundle), so it names the capture's files by
     * the capture's id, not by their paths here (which hold the user's name), and not the drive's mount point.
     */
    public CrashReport report(StoredCapture c, byte[] partitionFile, Optional<byte[]> currentUf2, Optional<Capturer.Symbols> symbols, List<String> notes,
                              boolean shared) throws IOException {
        Optional<FlashImage> flash = currentUf2.map(Reanalyzer::flashOf);
        Map<String, Object> part = c.section("partition").orElse(Map.of());
        long address = c.partitionAddress();
        byte[] partition = partitionOf(partitionFile, flash, address, part, notes);
        Map<String, Object> drive = c.section("drive").orElse(Map.of());
        DriveInfo info = DriveInfo.parse(Files.readString(c.file(CaptureStore.INFO_FILE), StandardCharsets.ISO_8859_1));
        Optional<String> version = Optional.ofNullable(drive.get("bootloader")).map(String::valueOf).filter(v -> !v.equals("unknown"))
                .or(info::bootloaderVersion);
        // The window the drive showed (stored by capture); else the one this bootloader version shows.
        BootloaderWindow fromVersion = catalog.windowFor(version.orElse(null));
        long[] window = c.driveWindow().orElse(new long[] {fromVersion.start(), fromVersion.end()});
        Optional<BootloaderWindow> w = catalog.windows().stream().filter(x -> x.start() == window[0] && x.end() == window[1]).findFirst();
        Optional<Board> board = catalog.byId(c.board());
        String how = String.valueOf(part.getOrDefault("how", "stored capture"));
        String device = String.format("%s, bootloader %s, window 0x%x-0x%x", board.map(Board::name).or(info::model).orElse("unknown board"),
                version.orElse("of unknown version"), window[0], window[1]);
        Object from = shared ? null : drive.get("path");
        String where = shared ? c.id() : c.dir().toString();
        Capturer.Source source = flash.isPresent()
                ? new Capturer.Source(InputKind.CURRENT_UF2, shared ? c.id() + "/" + CaptureStore.CURRENT_UF2 : c.file(CaptureStore.CURRENT_UF2).toString(),
                        String.format("CURRENT.UF2 saved in capture %s%s (%s)", where, from == null ? "" : ", copied from the bootloader drive " + from, device))
                : new Capturer.Source(InputKind.PARTITION, shared ? c.id() + "/" + CaptureStore.PARTITION_FILE : c.file(CaptureStore.PARTITION_FILE).toString(),
                        String.format("the coredump partition 0x%x-0x%x saved in capture %s as %s (%s; %s); the capture holds no CURRENT.UF2", address,
                        address + partition.length, where, CaptureStore.PARTITION_FILE, how, device));
        return Capturer.analyze(catalog, source, address, partition.length, how, partition,
                flash.orElse(new FlashImage.Builder().build()), board, w, symbols, notes);
    }

    /**
     * The capture's partition image; when partition.bin is missing, cut short or holds no dump but the capture's
     * CURRENT.UF2 does at the recorded address, that copy (the same bytes, read from the whole flash).
     */
    private static byte[] partitionOf(byte[] saved, Optional<FlashImage> flash, long address, Map<String, Object> part, List<String> notes) {
        int size = part.get("size") instanceof Number n && n.intValue() > 0 && n.intValue() <= PARTITION_MAX ? n.intValue() : saved.length;
        if (flash.isEmpty() || address == 0 || size == 0 || saved.length == size && StoredDump.read(ByteView.of(saved)).present()) {
            return saved;
        }
        ByteView fromFlash = flash.get().view(address, size);
        if (fromFlash == null || !StoredDump.read(fromFlash).present()) {
            return saved;
        }
        notes.add(String.format("%s %s, so the dump was read from the capture's CURRENT.UF2 at 0x%x", CaptureStore.PARTITION_FILE,
                saved.length == 0 ? "is empty" : saved.length != size ? "holds " + saved.length + " of the partition's " + size + " bytes"
                        : "holds no dump", address));
        return fromFlash.toArray();
    }

    private static final int PARTITION_MAX = 1 << 20;
}
