package dev.zmkagent.device.info;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Names the board behind a bootloader from whatever is known: the Board-ID (matched loosely, since forks and versions
 * spell it differently: nRF52840-SeeedXiao-v1, Seeed_XIAO_nRF52840_Sense...), the Model line, the volume label (with
 * its collision suffix) and the USB VID/PID. The strongest match wins; disagreements are reported, never fatal.
 */
public final class BoardIdentifier {
    private final BoardCatalog catalog;

    public BoardIdentifier(BoardCatalog catalog) {
        this.catalog = catalog;
    }

    public Identification identify(Optional<InfoUf2> info, Optional<String> volumeLabel, Optional<Board.UsbId> usb) {
        List<String> evidence = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        Optional<Board> byBoardId = info.flatMap(InfoUf2::boardId).flatMap(this::byBoardId);
        Optional<Board> byModel = info.flatMap(InfoUf2::model).flatMap(this::byModel);
        Optional<Board> byLabel = volumeLabel.flatMap(catalog::byVolumeLabel);
        Optional<Board> byUsb = usb.flatMap(this::byUsb);
        byBoardId.ifPresent(b -> evidence.add("Board-ID " + info.get().boardId().get()));
        byModel.ifPresent(b -> evidence.add("Model " + info.get().model().get()));
        byLabel.ifPresent(b -> evidence.add("volume label " + volumeLabel.get()));
        byUsb.ifPresent(b -> evidence.add("USB " + usb.get()));
        Optional<Board> chosen = byBoardId.or(() -> byModel).or(() -> byLabel).or(() -> byUsb);
        if (chosen.isEmpty()) {
            info.flatMap(InfoUf2::boardId).ifPresent(id -> conflicts.add("Board-ID " + id + " is not in the board catalog"));
            return new Identification(Optional.empty(), List.of(), conflicts);
        }
        Board b = chosen.get();
        for (Optional<Board> other : List.of(byBoardId, byModel, byLabel, byUsb)) {
            if (other.isPresent() && !other.get().id().equals(b.id())) {
                conflicts.add("evidence also points to " + other.get().name() + " (" + other.get().id() + ")");
            }
        }
        if (info.flatMap(InfoUf2::boardId).isPresent() && byBoardId.isEmpty()) {
            conflicts.add("Board-ID " + info.get().boardId().get() + " is not one the catalog lists for " + b.name());
        }
        return new Identification(Optional.of(b), List.copyOf(evidence), List.copyOf(conflicts));
    }

    /** Loose Board-ID match: case, '-', '_' and spaces do not matter. */
    public Optional<Board> byBoardId(String boardId) {
        String want = squash(boardId);
        return catalog.boards().stream().filter(b -> b.boardIds().stream().anyMatch(id -> squash(id).equals(want))).findFirst();
    }

    public Optional<Board> byModel(String model) {
        String want = squash(model);
        return catalog.boards().stream().filter(b -> b.models().stream().anyMatch(m -> squash(m).equals(want))).findFirst();
    }

    public Optional<Board> byUsb(Board.UsbId id) {
        return catalog.boards().stream().filter(b -> b.usb().contains(id)).findFirst();
    }

    static String squash(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9!]", "");
    }
}
