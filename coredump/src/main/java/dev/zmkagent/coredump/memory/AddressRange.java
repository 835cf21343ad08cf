package dev.zmkagent.coredump.memory;

/** A half-open address range [start, end). */
public record AddressRange(long start, long end) implements Comparable<AddressRange> {
    public AddressRange {
        if (end < start) {
            throw new IllegalArgumentException("range end before start");
        }
    }

    public long length() {
        return end - start;
    }

    public boolean contains(long addr) {
        return addr >= start && addr < end;
    }

    public boolean contains(long addr, long len) {
        return addr >= start && addr + len <= end;
    }

    public boolean overlaps(AddressRange o) {
        return start < o.end && o.start < end;
    }

    @Override
    public int compareTo(AddressRange o) {
        return Long.compare(start, o.start);
    }

    @Override
    public String toString() {
        return String.format("0x%08x-0x%08x", start, end);
    }
}
