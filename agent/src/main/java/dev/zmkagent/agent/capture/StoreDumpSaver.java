package dev.zmkagent.agent.capture;

import dev.zmkagent.agent.analyze.InputKind;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.flash.DumpSaver;
import dev.zmkagent.device.flash.PendingDump;
import dev.zmkagent.device.flash.SavedDump;
import dev.zmkagent.device.uf2.FlashImage;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Capture-before-flash into the capture store: {@code flash} hands over a dump it found on the device before
 * overwriting it, and it is stored like any capture (same folder layout, same dedup by partition SHA-256).
 */
public final class StoreDumpSaver implements DumpSaver {
    private final BoardCatalog catalog;
    private final CaptureStore store;

    public StoreDumpSaver(BoardCatalog catalog, CaptureStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    @Override
    public SavedDump save(PendingDump dump) throws IOException {
        Optional<Board> board = catalog.byId(dump.boardId());
        String info = "UF2 Bootloader " + dump.bootloaderVersion() + "\r\nBoard-ID: " + dump.boardId() + "\r\n";
        byte[] infoBytes = info.getBytes(StandardCharsets.ISO_8859_1);
        BootloaderWindow window = catalog.windowFor("unknown".equals(dump.bootloaderVersion()) ? null : dump.bootloaderVersion());
        long end = dump.partitionStart() + dump.partition().length;
        Capturer.Source source = new Capturer.Source(InputKind.PARTITION, dump.currentUf2().toString(), String.format(
                "the %s coredump partition 0x%x-0x%x, read from %s before flashing (%s, bootloader %s, window 0x%x-0x%x)", dump.variant(),
                dump.partitionStart(), end, dump.currentUf2(), board.map(Board::name).orElse(dump.boardId()), dump.bootloaderVersion(),
                window.start(), window.end()));
        FlashImage blocks = dump.uf2Blocks().length > 0 && Uf2File.looksLikeUf2(ByteView.of(dump.uf2Blocks()))
                ? Uf2File.parse(ByteView.of(dump.uf2Blocks())).toFlashImage() : new FlashImage.Builder().build();
        CrashReport report = Capturer.analyze(catalog, source, dump.partitionStart(), dump.partition().length,
                "read before flashing (" + dump.variant() + " layout)", dump.partition(), blocks, board, Optional.of(window), Optional.empty(), List.of());
        String signature = CrashSignatures.of(report);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CaptureStore.PARTITION_FILE, dump.partition());
        files.put(CaptureStore.INFO_FILE, infoBytes);
        files.putAll(Capturer.reportFiles(report));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("captured_at", dump.readAt().toString());
        meta.put("board", board.map(Board::id).orElse(dump.boardId()));
        meta.put("source", "pre-flash");
        Map<String, Object> drive = new LinkedHashMap<>();
        Path root = dump.currentUf2().toAbsolutePath().getParent();
        drive.put("path", root == null ? dump.currentUf2().toString() : root.toString());
        drive.put("bootloader", dump.bootloaderVersion());
        drive.put("window", String.format("0x%x-0x%x", window.start(), window.end()));
        meta.put("drive", drive);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("address", String.format("0x%x", dump.partitionStart()));
        p.put("size", dump.partition().length);
        p.put("sha256", dump.sha256());
        p.put("how", "read by flash before overwriting the firmware");
        p.put("condition", dump.condition());
        p.put("header_state", report.partition().headerState());
        p.put("checksum_ok", report.partition().checksumOk().orElse(null));
        meta.put("partition", p);
        meta.put("signature", signature);
        report.dump().ifPresent(d -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("reason", d.reasonName());
            CrashSignatures.crashingFunction(report).ifPresent(f -> x.put("function", f));
            x.put("headline", CrashSignatures.headline(report));
            meta.put("dump", x);
        });
        meta.put("current_uf2_copied", false);
        String name = CaptureStore.folderName(dump.readAt(), String.valueOf(meta.get("board")), signature);
        CaptureStore.Saved saved = store.save(name, dump.sha256(), files, meta);
        return new SavedDump(saved.capture().dir(), saved.alreadyCaptured());
    }
}
