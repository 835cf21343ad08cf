package dev.zmkagent.coredump.memory;

import java.util.List;
import java.util.OptionalLong;

/**
 * Target memory as far as a dump (and the firmware image) can tell. Reads are whole ranges; a read succeeds only
 * when every requested byte is known — unknown memory is never reported as zeros.
 */
public interface Memory {
    /** Copies [addr, addr+len) into {@code dst}; returns false (leaving dst unspecified) if any byte is unknown. */
    boolean read(long addr, byte[] dst, int off, int len);

    /** The ranges this memory can answer, sorted and merged. */
    List<AddressRange> ranges();

    default boolean has(long addr, long len) {
        for (AddressRange r : ranges()) {
            if (r.contains(addr, len)) {
                return true;
            }
        }
        return len > 0 && read(addr, new byte[(int) Math.min(len, 1 << 20)], 0, (int) Math.min(len, 1 << 20));
    }

    default OptionalLong u32(long addr) {
        byte[] b = new byte[4];
        if (!read(addr, b, 0, 4)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24);
    }

    default OptionalLong u16(long addr) {
        byte[] b = new byte[2];
        if (!read(addr, b, 0, 2)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((b[0] & 0xFFL) | (b[1] & 0xFFL) << 8);
    }

    default OptionalLong u8(long addr) {
        byte[] b = new byte[1];
        if (!read(addr, b, 0, 1)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(b[0] & 0xFFL);
    }
}
