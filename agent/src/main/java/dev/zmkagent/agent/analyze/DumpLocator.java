package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.uf2.FlashImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the coredump partition in a flash image without any offset from the user: first the partitions the
 * board catalog knows (board/variant layouts), then every 4 KiB-aligned address (the erase-page size, where a
 * partition must start) for a valid 'CD' header.
 */
public final class DumpLocator {
    private static final long PAGE = 0x1000;
    private static final long DEFAULT_PARTITION_SIZE = 0x10000;

    private final BoardCatalog catalog;

    public DumpLocator(BoardCatalog catalog) {
        this.catalog = catalog;
    }

    /** A partition found, or the explanation of why none was. */
    public record Result(Optional<Found> found, List<String> explanation) {
    }

    public record Found(long address, long size, String how, StoredDump stored, List<String> layouts) {
    }

    public Result locate(FlashImage flash, Optional<Board> board) {
        List<String> why = new ArrayList<>();
        // Known layouts, the input's board first; one entry per address, naming every variant that uses it.
        Map<Long, Set<String>> layouts = new LinkedHashMap<>();
        Map<Long, Long> sizes = new LinkedHashMap<>();
        List<BoardCatalog.KnownPartition> known = new ArrayList<>(catalog.knownPartitions());
        known.sort(Comparator.comparing((BoardCatalog.KnownPartition kp) -> board.isPresent() && !kp.board().id().equals(board.get().id())));
        for (BoardCatalog.KnownPartition kp : known) {
            // Name only the recognised board's variants when the input says which board it is.
            boolean named = board.isEmpty() || kp.board().id().equals(board.get().id());
            Set<String> names = layouts.computeIfAbsent(kp.partition().start(), a -> new LinkedHashSet<>());
            if (named) {
                names.add(kp.label());
            }
            sizes.putIfAbsent(kp.partition().start(), kp.partition().size());
        }
        Found bestInvalid = null;
        for (Map.Entry<Long, Set<String>> e : layouts.entrySet()) {
            long addr = e.getKey();
            long size = sizes.get(addr);
            String names = e.getValue().isEmpty() ? "another board's layout" : String.join(", ", e.getValue());
            ByteView part = partitionView(flash, addr, size);
            if (part == null) {
                why.add(String.format("0x%x (%s): not covered by the input", addr, names));
                continue;
            }
            StoredDump stored = StoredDump.read(part);
            if (stored.headerState() == FlashHeader.State.VALID) {
                return new Result(Optional.of(new Found(addr, size, "board layout " + names, stored, List.copyOf(e.getValue()))), why);
            }
            if (stored.present() && bestInvalid == null) {
                bestInvalid = new Found(addr, size, "board layout " + names + (stored.interrupted()
                        ? "; header erased, stream present (interrupted dump)"
                        : stored.headerState() == FlashHeader.State.DEVICE_ERROR ? "; " + describe(stored) + ", stream present"
                        : "; header corrupt, stream present"), stored, List.copyOf(e.getValue()));
            }
            why.add(String.format("0x%x (%s): %s", addr, names, describe(stored)));
        }
        // Scan every erase page for a valid header the catalog does not know about.
        for (FlashImage.Run run : flash.runs()) {
            long first = (run.start() + PAGE - 1) / PAGE * PAGE;
            for (long addr = first; addr + FlashHeader.LENGTH <= run.end(); addr += PAGE) {
                if (layouts.containsKey(addr)) {
                    continue;
                }
                ByteView head = ByteView.of(run.data()).slice(addr - run.start(), FlashHeader.LENGTH);
                if (head.u8(0) != 'C' || head.u8(1) != 'D') {
                    continue;
                }
                long avail = Math.min(DEFAULT_PARTITION_SIZE, run.end() - addr);
                ByteView part = ByteView.of(run.data()).slice(addr - run.start(), avail);
                if (FlashHeader.judge(part, avail).valid()) {
                    StoredDump stored = StoredDump.read(part);
                    return new Result(Optional.of(new Found(addr, avail, "scan of 4 KiB-aligned addresses (no known board layout matched)",
                            stored, List.of())), why);
                }
            }
        }
        if (bestInvalid != null) {
            return new Result(Optional.of(bestInvalid), why);
        }
        return new Result(Optional.empty(), why);
    }

    private static ByteView partitionView(FlashImage flash, long addr, long size) {
        ByteView full = flash.view(addr, (int) size);
        if (full != null) {
            return full;
        }
        // A partition that is only partly covered can still hold a readable header and the start of the stream.
        return flash.view(addr, FlashHeader.LENGTH) == null ? null : longestView(flash, addr, size);
    }

    private static ByteView longestView(FlashImage flash, long addr, long size) {
        for (FlashImage.Run r : flash.runs()) {
            if (addr >= r.start() && addr < r.end()) {
                long n = Math.min(size, r.end() - addr);
                return ByteView.of(r.data()).slice(addr - r.start(), n);
            }
        }
        return null;
    }

    static String describe(StoredDump s) {
        switch (s.headerState()) {
            case ERASED:
                return s.interrupted() ? "header erased but a stream is present: the dump was interrupted before the header was written"
                        : "erased (no crash has been recorded since the partition was last erased)";
            case NOT_A_HEADER:
                return "no 'CD' header (the area holds other data: is this build a zmk_debug variant?)";
            case BAD_VERSION:
                return "'CD' header with unknown version " + s.header().map(FlashHeader::version).orElse(-1);
            case DEVICE_ERROR:
                return "'CD' header records a write error " + s.header().map(FlashHeader::error).orElse(0) + " on the device";
            case SIZE_OUT_OF_RANGE:
                return "'CD' header size " + s.header().map(FlashHeader::size).orElse(0L) + " does not fit the partition";
            default:
                return "valid";
        }
    }
}
