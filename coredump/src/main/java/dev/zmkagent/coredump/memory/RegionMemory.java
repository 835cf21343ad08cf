package dev.zmkagent.coredump.memory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Memory made of byte regions searched in priority order: the first region that holds an address answers for it
 * (dump blocks before the flash image before the ELF, as gdb expects). A read that crosses from one region into
 * another is stitched byte-range by byte-range, never byte by byte.
 */
public final class RegionMemory implements Memory {
    /** One source of bytes placed at an address. */
    public record Region(String source, long start, byte[] data, int offset, int length) {
        public AddressRange range() {
            return new AddressRange(start, start + length);
        }
    }

    private final List<Region> regions = new ArrayList<>();
    private List<AddressRange> merged;

    /** Adds a region with lower priority than every region added before it. */
    public RegionMemory add(String source, long start, byte[] data, int offset, int length) {
        if (length > 0) {
            regions.add(new Region(source, start, data, offset, length));
            merged = null;
        }
        return this;
    }

    public RegionMemory add(String source, long start, byte[] data) {
        return add(source, start, data, 0, data.length);
    }

    public List<Region> regions() {
        return Collections.unmodifiableList(regions);
    }

    @Override
    public boolean read(long addr, byte[] dst, int off, int len) {
        long cur = addr;
        long end = addr + len;
        while (cur < end) {
            Region hit = null;
            for (Region r : regions) {
                if (cur >= r.start() && cur < r.start() + r.length()) {
                    hit = r;
                    break;
                }
            }
            if (hit == null) {
                return false;
            }
            // Take as much as this region can give before a higher-priority region would start answering.
            long stop = Math.min(end, hit.start() + hit.length());
            for (Region r : regions) {
                if (r == hit) {
                    break;
                }
                if (r.start() > cur && r.start() < stop) {
                    stop = r.start();
                }
            }
            int n = (int) (stop - cur);
            System.arraycopy(hit.data(), hit.offset() + (int) (cur - hit.start()), dst, off + (int) (cur - addr), n);
            cur = stop;
        }
        return true;
    }

    @Override
    public List<AddressRange> ranges() {
        if (merged == null) {
            List<AddressRange> all = new ArrayList<>();
            for (Region r : regions) {
                all.add(r.range());
            }
            merged = merge(all);
        }
        return merged;
    }

    public static List<AddressRange> merge(List<AddressRange> ranges) {
        List<AddressRange> sorted = new ArrayList<>(ranges);
        Collections.sort(sorted);
        List<AddressRange> out = new ArrayList<>();
        for (AddressRange r : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1).end() >= r.start()) {
                AddressRange last = out.remove(out.size() - 1);
                out.add(new AddressRange(last.start(), Math.max(last.end(), r.end())));
            } else {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
