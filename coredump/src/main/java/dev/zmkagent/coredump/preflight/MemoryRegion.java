package dev.zmkagent.coredump.preflight;

/** One 'M' block the firmware will write: [start, end), and what it is (for the text and the lost list). */
public record MemoryRegion(long start, long end, String what) {
    public long bytes() {
        return end - start;
    }
}
