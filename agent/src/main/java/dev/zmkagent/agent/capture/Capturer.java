package dev.zmkagent.agent.capture;

import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.agent.analyze.DumpInput;
import dev.zmkagent.agent.analyze.InputKind;
import dev.zmkagent.agent.registry.FirmwareMatcher;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.registry.RegisteredFirmware;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.uf2.FlashImage;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Pulls a dump off a bootloader drive, the same way for {@code capture}, {@code watch} and {@code demo}:
 * <ol>
 * <li>find the coredump partition reading single CURRENT.UF2 blocks (a handful when there is no dump),</li>
 * <li>read the header and stream, pick the registered build whose sampled flash blocks match, analyze, report,</li>
 * <li>read the rest of the partition; stop here if its SHA-256 is already in the store,</li>
 * <li>copy the whole CURRENT.UF2 for the record (unless region-only) and verify the build against all of it,</li>
 * <li>store everything at once.</li>
 * </ol>
 * Any I/O error (the drive left) aborts before step 5, so a partial capture is never stored.
 */
public final class Capturer {
    private final BoardCatalog catalog;
    private final CaptureStore store;
    private final FirmwareRegistry registry;
    private final boolean fullCopy;

    public Capturer(BoardCatalog catalog, CaptureStore store, FirmwareRegistry registry, boolean fullCopy) {
        this.catalog = catalog;
        this.store = store;
        this.registry = registry;
        this.fullCopy = fullCopy;
    }

    public CaptureOutcome capture(BootloaderDrive drive, CaptureListener listener) throws IOException {
        Path current = drive.currentUf2().orElseThrow(() -> new FormatException(drive.root()
                + " has INFO_UF2.TXT but no CURRENT.UF2: this bootloader does not expose its flash, so the dump cannot be read from the drive"));
        Uf2BlockReader reader = Uf2BlockReader.open(current);
        CaptureOutcome outcome;
        try {
            outcome = capture(drive, current, reader, listener);
        } catch (IOException | RuntimeException | Error e) {
            closeAfterFailure(reader, e);
            throw e;
        }
        closeAfterWholeRead(reader);
        return outcome;
    }

    private CaptureOutcome capture(BootloaderDrive drive, Path current, Uf2BlockReader reader, CaptureListener listener) throws IOException {
        Optional<Board> board = boardOf(drive, reader);
        Optional<BootloaderWindow> window = catalog.windows().stream()
                .filter(w -> w.start() == reader.windowStart() && w.end() == reader.windowEnd()).findFirst();
        PartitionFinder.Result located = new PartitionFinder(catalog).find(reader, board);
        if (located.found().isEmpty()) {
            return new CaptureOutcome(CaptureOutcome.Status.NO_DUMP, drive, Optional.empty(), Optional.empty(), reader.bytesRead(),
                    reader.fileSize(), located.looked());
        }
        PartitionFinder.Found found = located.found().get();
        List<RegisteredFirmware> builds = registry.list();
        Optional<FirmwareMatcher.Match> match = builds.isEmpty() ? Optional.empty() : FirmwareMatcher.sample(reader, builds);
        FlashImage sampled = sampledImage(reader, match);
        CrashReport first = analyze(drive, reader, found, found.dumpBytes(), sampled, board, window, match, List.of());
        long bytesBeforeReport = reader.bytesRead();
        listener.firstReport(drive, first, bytesBeforeReport, reader.fileSize());

        // The rest of the partition, for the record and the content hash.
        byte[] partition = found.dumpBytes().length >= found.size() ? found.dumpBytes()
                : concat(found.dumpBytes(), reader.read(found.address() + found.dumpBytes().length, found.size() - found.dumpBytes().length));
        String sha = FirmwareRegistry.sha256(partition);
        Optional<StoredCapture> seen = store.findByPartitionHash(sha);
        if (seen.isPresent()) {
            return new CaptureOutcome(CaptureOutcome.Status.ALREADY_CAPTURED, drive, Optional.of(first), seen, bytesBeforeReport,
                    reader.fileSize(), located.looked());
        }

        byte[] currentBytes = null;
        FlashImage flash = sampled;
        Optional<FirmwareMatcher.Match> finalMatch = match;
        List<String> notes = new ArrayList<>();
        if (fullCopy) {
            currentBytes = copyWhole(current, reader.fileSize(), listener);
            flash = Uf2File.parse(ByteView.of(currentBytes)).toFlashImage();
            ByteView again = flash.view(found.address(), partition.length);
            if (again == null || !Arrays.equals(again.toArray(), partition)) {
                throw new IOException("the coredump partition changed between the block reads and the full copy of CURRENT.UF2 (was the device re-flashed?); try again");
            }
            finalMatch = FirmwareMatcher.verifyAny(builds, flash);
            if (match.isPresent() && finalMatch.isEmpty()) {
                notes.add("build " + match.get().firmware().id() + " matched on sampled blocks but not on the whole flash; the report is not symbolized");
            }
        }
        CrashReport report = analyze(drive, reader, found, partition, flash, board, window, finalMatch, notes);
        Instant now = Instant.now();
        String signature = CrashSignatures.of(report);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CaptureStore.PARTITION_FILE, partition);
        if (currentBytes != null) {
            files.put(CaptureStore.CURRENT_UF2, currentBytes);
        }
        files.put(CaptureStore.INFO_FILE, drive.infoBytes());
        files.putAll(reportFiles(report));
        Map<String, Object> meta = metadata(now, drive, reader, board, found, sha, report, signature, finalMatch, currentBytes != null, bytesBeforeReport);
        String name = CaptureStore.folderName(now, board.map(Board::id).orElse("unknown-board"), signature);
        CaptureStore.Saved saved = store.save(name, sha, files, meta);
        return new CaptureOutcome(saved.alreadyCaptured() ? CaptureOutcome.Status.ALREADY_CAPTURED : CaptureOutcome.Status.STORED, drive,
                Optional.of(report), Optional.of(saved.capture()), bytesBeforeReport, reader.fileSize(), located.looked());
    }

    /** The three report files every capture holds. */
    public static Map<String, byte[]> reportFiles(CrashReport report) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("report.txt", TextReport.render(report, false).getBytes(StandardCharsets.UTF_8));
        files.put("report.json", JsonReport.render(report).getBytes(StandardCharsets.UTF_8));
        files.put("report.md", MarkdownReport.render(report).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private Optional<Board> boardOf(BootloaderDrive drive, Uf2BlockReader reader) {
        Optional<Board> b = catalog.byFamily(reader.familyId());
        if (b.isEmpty() && drive.info().boardId().isPresent()) {
            String id = drive.info().boardId().get();
            b = catalog.boards().stream().filter(x -> x.boardIds().stream().anyMatch(id::equalsIgnoreCase)).findFirst();
        }
        if (b.isEmpty() && drive.info().model().isPresent()) {
            String m = drive.info().model().get();
            b = catalog.boards().stream().filter(x -> x.models().stream().anyMatch(m::equalsIgnoreCase)).findFirst();
        }
        return b.isEmpty() ? catalog.byVolumeLabel(drive.volumeName()) : b;
    }

    private static FlashImage sampledImage(Uf2BlockReader reader, Optional<FirmwareMatcher.Match> match) throws IOException {
        if (match.isEmpty()) {
            return new FlashImage.Builder().build();
        }
        // The vector table block, so the report's identity check compares real device bytes with the ELF.
        FlashImage.Builder b = new FlashImage.Builder();
        FlashImage expected = match.get().firmware().expectedFlash();
        if (!expected.runs().isEmpty()) {
            long start = expected.lowest() - Math.floorMod(expected.lowest() - reader.windowStart(), Uf2BlockReader.PAYLOAD);
            if (reader.covers(start, Uf2BlockReader.PAYLOAD)) {
                b.put(start, reader.read(start, Uf2BlockReader.PAYLOAD));
            }
        }
        return b.build();
    }

    /** The ELF a report is symbolized with, and how to name it in the report. */
    public record Symbols(dev.zmkagent.coredump.elf.ElfFile elf, String label) {
        public static Symbols of(RegisteredFirmware f) {
            return new Symbols(f.elf(), f.elfPath() + " (registered build " + f.id() + ")");
        }
    }

    /** What a report's input line says the dump was read from: a file that exists (or existed, on a drive) and how it was read. */
    public record Source(InputKind kind, String path, String description) {
        /** A live bootloader drive's CURRENT.UF2, read block by block. */
        static Source liveDrive(BootloaderDrive drive, Optional<Board> board, long windowStart, long windowEnd) {
            return new Source(InputKind.CURRENT_UF2, drive.root().resolve("CURRENT.UF2").toString(), String.format(
                    "CURRENT.UF2 on the bootloader drive %s (%s, bootloader %s), window 0x%x-0x%x, read block by block", drive.root(),
                    board.map(Board::name).or(() -> drive.info().model()).orElse("unknown board"),
                    drive.info().bootloaderVersion().orElse("of unknown version"), windowStart, windowEnd));
        }
    }

    public static CrashReport analyze(BoardCatalog catalog, Source source, long partitionAddress, int partitionSize, String how,
                               byte[] partition, FlashImage flash, Optional<Board> board, Optional<BootloaderWindow> window,
                               Optional<Symbols> firmware, List<String> notes) {
        DumpInput input = new DumpInput(source.kind(), source.path(), source.description(), flash.runs().isEmpty() ? Optional.empty() : Optional.of(flash),
                Optional.of(ByteView.of(partition)), Optional.empty(), OptionalLong.empty(), board, window, notes);
        CrashReport r = new Analyzer(catalog).analyze(input, firmware.map(Symbols::elf), firmware.map(Symbols::label));
        CrashReport.Partition p = r.partition();
        CrashReport.Partition placed = new CrashReport.Partition(OptionalLong.of(partitionAddress), OptionalLong.of(partitionSize), how,
                p.headerState(), p.checksumOk(), p.streamSize(), p.interrupted());
        List<String> diagnosis = r.diagnosis();
        if (firmware.isEmpty()) {
            diagnosis = new ArrayList<>(diagnosis);
            diagnosis.removeIf(s -> s.startsWith("No ELF given"));
            diagnosis.add("No registered build matches the firmware on the device, so functions are not shown. Register the zmk_debug build with"
                    + " `zmk-agent firmware add zmk.elf` (or the CI artifact .zip), then `zmk-agent reanalyze <capture>`.");
        }
        return new CrashReport(r.input(), placed, r.dump(), r.firmware(), r.frames(), r.memory(), r.faultStatus(), diagnosis, r.warnings(), r.signature(),
                r.threads());
    }

    private CrashReport analyze(BootloaderDrive drive, Uf2BlockReader reader, PartitionFinder.Found found, byte[] partition, FlashImage flash,
                                Optional<Board> board, Optional<BootloaderWindow> window, Optional<FirmwareMatcher.Match> match, List<String> notes) {
        return analyze(catalog, Source.liveDrive(drive, board, reader.windowStart(), reader.windowEnd()), found.address(), found.size(), found.how(),
                partition, flash, board, window, match.map(m -> Symbols.of(m.firmware())), notes);
    }

    private static byte[] copyWhole(Path current, long size, CaptureListener listener) throws IOException {
        if (size > 64L << 20) {
            throw new FormatException(current + " is larger than 64 MiB: not a bootloader's CURRENT.UF2");
        }
        byte[] out = new byte[(int) size];
        FileChannel ch = FileChannel.open(current, StandardOpenOption.READ);
        try {
            int done = 0;
            listener.copyProgress(0, size);
            while (done < size) {
                int n = ch.read(ByteBuffer.wrap(out, done, (int) Math.min(64 * 1024, size - done)), done);
                if (n < 0) {
                    throw new IOException("CURRENT.UF2 ended after " + done + " of " + size + " bytes (the drive went away?)");
                }
                done += n;
                listener.copyProgress(done, size);
            }
        } catch (IOException | RuntimeException | Error e) {
            closeAfterFailure(ch, e);
            throw e;
        }
        closeAfterWholeRead(ch);
        return out;
    }

    private static void closeAfterFailure(Closeable c, Throwable failure) {
        try {
            c.close();
        } catch (IOException closing) {
            failure.addSuppressed(closing);
        }
    }

    /**
     * Everything needed was read before this: a drive that leaves now (the keyboard rebooting out of the bootloader, a
     * pulled cable) fails only the close of the file, with ENOTCONN on a FUSE or USB drive. The data is whole.
     */
    private static void closeAfterWholeRead(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing lost: see above
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Map<String, Object> metadata(Instant now, BootloaderDrive drive, Uf2BlockReader reader, Optional<Board> board, PartitionFinder.Found found,
                                        String sha, CrashReport report, String signature, Optional<FirmwareMatcher.Match> match, boolean currentCopied,
                                        long bytesBeforeReport) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("captured_at", now.toString());
        m.put("board", board.map(Board::id).orElse("unknown"));
        m.put("board_name", board.map(Board::name).orElse(drive.info().model().orElse("unknown")));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", drive.root().toString());
        d.put("volume", drive.volumeName());
        drive.info().bootloaderVersion().ifPresent(v -> d.put("bootloader", v));
        drive.info().boardId().ifPresent(v -> d.put("board_id", v));
        drive.info().softDevice().ifPresent(v -> d.put("soft_device", v));
        d.put("window", String.format("0x%x-0x%x", reader.windowStart(), reader.windowEnd()));
        d.put("family_id", String.format("0x%08X", reader.familyId()));
        m.put("drive", d);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("address", String.format("0x%x", found.address()));
        p.put("size", found.size());
        p.put("sha256", sha);
        p.put("how", found.how());
        p.put("header_state", report.partition().headerState());
        m.put("partition", p);
        m.put("signature", signature);
        report.dump().ifPresent(dump -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("reason", dump.reasonName());
            x.put("reason_code", dump.reasonCode());
            CrashSignatures.crashingFunction(report).ifPresent(f -> x.put("function", f));
            x.put("headline", CrashSignatures.headline(report));
            x.put("truncated", dump.truncated());
            m.put("dump", x);
        });
        match.ifPresent(mt -> m.put("firmware", firmwareMetadata(mt.firmware(), mt.describe())));
        m.put("current_uf2_copied", currentCopied);
        m.put("current_uf2_size", reader.fileSize());
        m.put("bytes_read_before_report", bytesBeforeReport);
        return m;
    }

    public static Map<String, Object> firmwareMetadata(RegisteredFirmware fw, String how) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", fw.id());
        f.put("name", fw.name());
        f.put("elf", fw.elfPath().toString());
        f.put("elf_sha256", fw.elfSha256());
        fw.buildId().ifPresent(b -> f.put("build_id", b));
        f.put("match", how);
        return f;
    }
}
