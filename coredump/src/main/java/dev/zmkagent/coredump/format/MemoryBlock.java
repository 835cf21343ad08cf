package dev.zmkagent.coredump.format;

import dev.zmkagent.coredump.bytes.ByteView;

/**
 * A memory block ('M'): bytes of target memory [start, end). When the stream was cut short the block is
 * {@code truncated} and {@code data} holds only the bytes that were stored, from {@code start}.
 */
public record MemoryBlock(long start, long end, ByteView data, boolean truncated, long streamOffset) {
    public long declaredLength() {
        return end - start;
    }

    public long storedEnd() {
        return start + data.length();
    }
}
