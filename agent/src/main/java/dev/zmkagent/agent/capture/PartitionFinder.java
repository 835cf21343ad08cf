package dev.zmkagent.agent.capture;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.format.ZephyrDumpParser;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the coredump partition on a bootloader drive while reading as few CURRENT.UF2 blocks as possible: one block
 * per known partition of the board catalog (the header is the first 16 bytes), then one block per 4 KiB erase page of
 * the window when no known partition holds a dump (a partition starts on a page boundary). Then only the blocks that
 * hold the header and the stream are read; the rest of the partition comes later, for the record.
 */
public final class PartitionFinder {
    static final long PAGE = 0x1000;
    static final int DEFAULT_SIZE = 0x10000;

    private final BoardCatalog catalog;

    public PartitionFinder(BoardCatalog catalog) {
        this.catalog = catalog;
    }

    /** Where the dump is and what of it was read so far. */
    public record Found(long address, int size, String how, boolean interrupted, byte[] dumpBytes) {
    }

    /** The result: the partition, or the reasons no dump was found (one line per place looked at). */
    public record Result(Optional<Found> found, List<String> looked) {
    }

    public Result find(Uf2BlockReader r, Optional<Board> board) throws IOException {
        List<String> looked = new ArrayList<>();
        Map<Long, Integer> known = new LinkedHashMap<>();
        Map<Long, String> labels = new LinkedHashMap<>();
        List<BoardCatalog.KnownPartition> parts = new ArrayList<>(catalog.knownPartitions());
        parts.sort(Comparator.comparing((BoardCatalog.KnownPartition kp) -> board.isPresent() && !kp.board().id().equals(board.get().id())));
        for (BoardCatalog.KnownPartition kp : parts) {
            known.putIfAbsent(kp.partition().start(), (int) kp.partition().size());
            labels.merge(kp.partition().start(), kp.label(), (a, b) -> a + ", " + b);
        }
        boolean erasedKnown = false;
        for (Map.Entry<Long, Integer> e : known.entrySet()) {
            long addr = e.getKey();
            int size = e.getValue();
            String label = labels.get(addr);
            if (!r.covers(addr, FlashHeader.LENGTH)) {
                looked.add(String.format("0x%x (%s): outside CURRENT.UF2's window 0x%x-0x%x", addr, label, r.windowStart(), r.windowEnd()));
                continue;
            }
            Optional<Found> f = probe(r, addr, Math.min(size, (int) (r.windowEnd() - addr)), "board layout " + label, looked, label);
            if (f.isPresent()) {
                return new Result(f, looked);
            }
            if (looked.get(looked.size() - 1).contains(": erased")) {
                erasedKnown = true;
            }
        }
        if (erasedKnown) {
            // A known coredump partition that is erased is the partition, empty: no dump, known from a handful of blocks.
            return new Result(Optional.empty(), looked);
        }
        long first = (r.windowStart() + PAGE - 1) / PAGE * PAGE;
        for (long addr = first; addr + FlashHeader.LENGTH <= r.windowEnd(); addr += PAGE) {
            if (known.containsKey(addr)) {
                continue;
            }
            byte[] head = r.read(addr, FlashHeader.LENGTH);
            if (head[0] != 'C' || head[1] != 'D') {
                continue;
            }
            int size = (int) Math.min(DEFAULT_SIZE, r.windowEnd() - addr);
            FlashHeader.Judged j = FlashHeader.judge(ByteView.of(head), size);
            if (j.valid()) {
                return new Result(Optional.of(readValid(r, addr, size, j.header().orElseThrow(),
                        "scan of 4 KiB-aligned addresses (no known board layout holds a dump)")), looked);
            }
        }
        looked.add(String.format("no valid 'CD' header at any 4 KiB boundary of 0x%x-0x%x", r.windowStart(), r.windowEnd()));
        return new Result(Optional.empty(), looked);
    }

    private Optional<Found> probe(Uf2BlockReader r, long addr, int size, String how, List<String> looked, String label) throws IOException {
        byte[] block = r.read(addr, (int) Math.min(Uf2BlockReader.PAYLOAD, r.windowEnd() - addr));
        ByteView v = ByteView.of(block);
        FlashHeader.Judged j = FlashHeader.judge(v, size);
        if (j.valid()) {
            return Optional.of(readValid(r, addr, size, j.header().orElseThrow(), how));
        }
        if (j.state() == FlashHeader.State.ERASED && v.has(FlashHeader.STREAM_OFFSET, ZephyrDumpParser.HEADER_LENGTH)
                && ZephyrDumpParser.looksLikeStream(v.from(FlashHeader.STREAM_OFFSET))) {
            // The header is written last: erased header + stream = the device reset while saving. Its length is unknown.
            return Optional.of(new Found(addr, size, how + "; header erased, stream present (interrupted dump)", true, r.read(addr, size)));
        }
        if (j.state() == FlashHeader.State.DEVICE_ERROR && v.has(FlashHeader.STREAM_OFFSET, ZephyrDumpParser.HEADER_LENGTH)
                && ZephyrDumpParser.looksLikeStream(v.from(FlashHeader.STREAM_OFFSET))) {
            // A flash error while saving, recorded in the header: the stream written before it still holds the crash.
            return Optional.of(new Found(addr, size, how + "; " + describe(j) + ", stream present", false, r.read(addr, size)));
        }
        looked.add(String.format("0x%x (%s): %s", addr, label, describe(j)));
        return Optional.empty();
    }

    private static Found readValid(Uf2BlockReader r, long addr, int size, FlashHeader h, String how) throws IOException {
        int len = (int) (FlashHeader.STREAM_OFFSET + h.size());
        return new Found(addr, size, how, false, r.read(addr, len));
    }

    static String describe(FlashHeader.Judged j) {
        switch (j.state()) {
            case ERASED: return "erased (no crash recorded since the partition was last erased)";
            case NOT_A_HEADER: return "no 'CD' header (other data: is this build a zmk_debug variant?)";
            case BAD_VERSION: return "'CD' header of unknown version " + j.header().map(FlashHeader::version).orElse(-1);
            case DEVICE_ERROR: return "'CD' header records write error " + j.header().map(FlashHeader::error).orElse(0) + " on the device";
            case SIZE_OUT_OF_RANGE: return "'CD' header size " + j.header().map(FlashHeader::size).orElse(0L) + " does not fit the partition";
            default: return "valid";
        }
    }
}
