package dev.zmkagent.agent.doctor;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSegment;
import dev.zmkagent.coredump.preflight.HangOption;
import dev.zmkagent.coredump.preflight.Preflight;
import dev.zmkagent.coredump.preflight.PreflightJson;
import dev.zmkagent.coredump.preflight.PreflightText;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * `doctor --elf`: the ELF-only coredump prediction against the partition of the board the build is for. The board
 * and variant come from the catalog: the debug variants whose code partition starts at the ELF's lowest flash load
 * address and holds its whole image. When several fit (nice!nano zmk_debug and zmk_debug_extra) and their partitions
 * have the same size, the size is known all the same.
 */
public final class ElfDoctor {
    private final BoardCatalog catalog;

    public ElfDoctor(BoardCatalog catalog) {
        this.catalog = catalog;
    }

    /** The result: the prediction, where the partition size came from (null if unknown), the hang options. */
    public record ElfCheck(Preflight preflight, Optional<String> partitionSource, OptionalLong partitionBytes, List<HangOption> hangs) {
        public String text() {
            return PreflightText.full(preflight, partitionSource.orElse(null), hangs);
        }

        public String summary() {
            return PreflightText.summary(preflight, partitionSource.orElse(null));
        }

        public Map<String, Object> json() {
            return PreflightJson.toMap(preflight, partitionBytes.isPresent() ? partitionBytes.getAsLong() : null);
        }
    }

    private static final long MAX_ELF = 64L << 20;

    /** Reads {@code path} (one clear line if it is not a readable ELF of sane size) and checks it. */
    public ElfCheck check(Path path, String board, String variant) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new FormatException(Files.exists(path) ? path + " is not a file" : "no such file: " + path);
        }
        if (Files.size(path) > MAX_ELF) {
            throw new FormatException(path + " is larger than 64 MiB: not a firmware build");
        }
        ElfFile elf;
        try {
            elf = ElfFile.parse(ByteView.of(Files.readAllBytes(path)));
        } catch (FormatException e) {
            throw new FormatException(path + ": " + e.getMessage());
        }
        if (board != null && catalog.byId(board).isEmpty()) {
            throw new FormatException("--board " + board + ": not in the board catalog");
        }
        return check(elf, board, variant);
    }

    /** {@code board}/{@code variant} override the guess from the ELF (either may be null). */
    public ElfCheck check(ElfFile elf, String board, String variant) {
        List<Candidate> c = candidates(elf, board, variant);
        OptionalLong size = OptionalLong.empty();
        String source = null;
        if (!c.isEmpty() && c.stream().allMatch(x -> x.partition().size() == c.get(0).partition().size())) {
            size = OptionalLong.of(c.get(0).partition().size());
            List<String> names = new ArrayList<>();
            c.forEach(x -> names.add(String.format("%s %s at 0x%X", x.board().name(), x.variant().name(), x.partition().start())));
            source = String.join(" or ", names);
        }
        // Without a known partition nothing is cut: the prediction still gives the stream size.
        Preflight p = Preflight.of(elf, size.orElse(Long.MAX_VALUE / 4));
        return new ElfCheck(p, Optional.ofNullable(source), size, HangOption.inspect(elf));
    }

    private record Candidate(Board board, Board.Variant variant, Board.Partition partition) {
    }

    private List<Candidate> candidates(ElfFile elf, String boardId, String variantName) {
        long low = Long.MAX_VALUE;
        long high = 0;
        for (ElfSegment s : elf.loadSegments()) {
            if (s.fileSize() > 0 && s.physicalAddress() < 0x1000_0000L) {
                low = Math.min(low, s.physicalAddress());
                high = Math.max(high, s.physicalAddress() + s.fileSize());
            }
        }
        List<Candidate> out = new ArrayList<>();
        for (Board b : catalog.boards()) {
            if (boardId != null && !b.id().equals(boardId)) {
                continue;
            }
            for (Board.Variant v : b.variants()) {
                if (v.coredump().isEmpty() || (variantName != null && !v.name().equals(variantName))) {
                    continue;
                }
                boolean named = boardId != null && variantName != null;
                if (named || (v.codeStart() == low && high <= v.codeEnd())) {
                    out.add(new Candidate(b, v, v.coredump().get()));
                }
            }
        }
        return out;
    }
}
