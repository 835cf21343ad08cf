package dev.zmkagent.device.uf2;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sparse flash contents: contiguous runs of known bytes by address. Addresses nobody wrote stay unknown rather than
 * being filled with zeros (uf2conv fills gaps with 0x00, which hides what was never read).
 */
public final class FlashImage {
    /** A contiguous run of known flash bytes. */
    public record Run(long start, byte[] data) {
        public long end() {
            return start + data.length;
        }
    }

    private final List<Run> runs;

    private FlashImage(List<Run> runs) {
        this.runs = runs;
    }

    public static FlashImage of(long start, byte[] data) {
        return new FlashImage(List.of(new Run(start, data)));
    }

    public List<Run> runs() {
        return runs;
    }

    public long lowest() {
        return runs.isEmpty() ? 0 : runs.get(0).start();
    }

    public long highestEnd() {
        return runs.isEmpty() ? 0 : runs.get(runs.size() - 1).end();
    }

    /** The bytes [addr, addr+len) if every one is known. */
    public ByteView view(long addr, int len) {
        for (Run r : runs) {
            if (addr >= r.start() && addr + len <= r.end()) {
                return ByteView.of(r.data()).slice(addr - r.start(), len);
            }
        }
        return null;
    }

    public boolean covers(long addr, long len) {
        for (Run r : runs) {
            if (addr >= r.start() && addr + len <= r.end()) {
                return true;
            }
        }
        return false;
    }

    /** Collects payloads (in any order, later writes win) and merges adjacent ones into runs. */
    public static final class Builder {
        private final TreeMap<Long, byte[]> pieces = new TreeMap<>();

        public Builder put(long addr, ByteView data) {
            if (data.length() > 0) {
                pieces.put(addr, data.toArray());
            }
            return this;
        }

        public Builder put(long addr, byte[] data) {
            if (data.length > 0) {
                pieces.put(addr, data.clone());
            }
            return this;
        }

        public FlashImage build() {
            List<Run> out = new ArrayList<>();
            long runStart = -1;
            long runEnd = -1;
            List<Map.Entry<Long, byte[]>> current = new ArrayList<>();
            for (Map.Entry<Long, byte[]> e : pieces.entrySet()) {
                long s = e.getKey();
                if (runStart >= 0 && s > runEnd) {
                    out.add(flatten(runStart, runEnd, current));
                    current.clear();
                    runStart = -1;
                }
                if (runStart < 0) {
                    runStart = s;
                    runEnd = s;
                }
                current.add(e);
                runEnd = Math.max(runEnd, s + e.getValue().length);
            }
            if (runStart >= 0) {
                out.add(flatten(runStart, runEnd, current));
            }
            return new FlashImage(List.copyOf(out));
        }

        private static Run flatten(long start, long end, List<Map.Entry<Long, byte[]>> parts) {
            byte[] data = new byte[(int) (end - start)];
            for (Map.Entry<Long, byte[]> p : parts) {
                System.arraycopy(p.getValue(), 0, data, (int) (p.getKey() - start), p.getValue().length);
            }
            return new Run(start, data);
        }
    }
}
