package dev.zmkagent.agent.capture;

import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
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
        BootloaderDrive drive = new BootloaderDrive(Path.of("(drive being flashed)"), DriveInfo.parse(info),
                info.getBytes(StandardCharsets.ISO_8859_1), Optional.empty());
        FlashImage blocks = dump.uf2Blocks().length > 0 && Uf2File.looksLikeUf2(ByteView.of(dump.uf2Blocks()))
                ? Uf2File.parse(ByteView.of(dump.uf2Blocks())).toFlashImage() : new FlashImage.Builder().build();
        CrashReport report = Capturer.analyze(catalog, drive, dump.partitionStart(), dump.partitionStart() + dump.partition().length,
                dump.partitionStart(), dump.partition().length, "read before flashing (" + dump.variant() + " layout)", dump.partition(), blocks,
                board, Optional.empty(), Optional.empty(), List.of());
        String signature = CrashSignatures.of(report);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CaptureStore.PARTITION_FILE, dump.partition());
        files.put(CaptureStore.INFO_FILE, drive.infoBytes());
        files.putAll(Capturer.reportFiles(report));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("capturedAt", dump.readAt().toString());
        meta.put("board", board.map(Board::id).orElse(dump.boardId()));
        meta.put("source", "pre-flash");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("address", String.format("0x%x", dump.partitionStart()));
        p.put("size", dump.partition().length);
        p.put("sha256", dump.sha256());
        p.put("how", "read by flash before overwriting the firmware");
        m(p, "valid", dump.valid());
        meta.put("partition", p);
        meta.put("signature", signature);
        report.dump().ifPresent(d -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("reason", d.reasonName());
            CrashSignatures.crashingFunction(report).ifPresent(f -> x.put("function", f));
            x.put("headline", CrashSignatures.headline(report));
            meta.put("dump", x);
        });
        meta.put("currentUf2Copied", false);
        String name = CaptureStore.folderName(dump.readAt(), String.valueOf(meta.get("board")), signature);
        CaptureStore.Saved saved = store.save(name, dump.sha256(), files, meta);
        return new SavedDump(saved.capture().dir(), saved.alreadyCaptured());
    }

    private static void m(Map<String, Object> map, String k, Object v) {
        map.put(k, v);
    }
}
