package dev.zmkagent.coredump.bytes;

import java.util.Arrays;

/**
 * An immutable little-endian window onto a byte array, read at explicit offsets.
 *
 * <p>Every read checks its bounds first and fails with a {@link FormatException} naming what was being read
 * and the absolute offset in the original input, never with a wrong value or an index exception. Slicing shares
 * the array, so formats can hand sub-views to one another without copying.
 */
public final class ByteView {
    private final byte[] data;
    private final int start;
    private final int length;
    /** Offset of {@code start} within the whole input, for error messages. */
    private final long origin;

    private ByteView(byte[] data, int start, int length, long origin) {
        this.data = data;
        this.start = start;
        this.length = length;
        this.origin = origin;
    }

    public static ByteView of(byte[] data) {
        return new ByteView(data, 0, data.length, 0);
    }

    public int length() {
        return length;
    }

    /** Absolute offset of this view's first byte in the input it came from. */
    public long origin() {
        return origin;
    }

    /** True when {@code count} bytes exist from {@code offset}; never throws. */
    public boolean has(long offset, long count) {
        return offset >= 0 && count >= 0 && offset + count <= length;
    }

    /** Fails with a clear message unless {@code count} bytes exist from {@code offset}. */
    public void require(long offset, long count, String what) {
        if (!has(offset, count)) {
            throw new FormatException(
                    String.format("%s needs %d bytes but only %d remain", what, count, Math.max(0, length - Math.max(0, offset))),
                    origin + Math.max(0, offset));
        }
    }

    public int u8(int offset) {
        require(offset, 1, "byte");
        return data[start + offset] & 0xFF;
    }

    public int u16(int offset) {
        require(offset, 2, "16-bit value");
        int p = start + offset;
        return (data[p] & 0xFF) | (data[p + 1] & 0xFF) << 8;
    }

    /** Unsigned 32-bit value as a long. */
    public long u32(int offset) {
        return s32(offset) & 0xFFFF_FFFFL;
    }

    public int s32(int offset) {
        require(offset, 4, "32-bit value");
        int p = start + offset;
        return (data[p] & 0xFF) | (data[p + 1] & 0xFF) << 8 | (data[p + 2] & 0xFF) << 16 | (data[p + 3] & 0xFF) << 24;
    }

    public long u64(int offset) {
        require(offset, 8, "64-bit value");
        return u32(offset) | u32(offset + 4) << 32;
    }

    public ByteView slice(long offset, long count) {
        require(offset, count, "region");
        return new ByteView(data, start + (int) offset, (int) count, origin + offset);
    }

    /** The rest of the view from {@code offset}. */
    public ByteView from(long offset) {
        return slice(offset, length - offset);
    }

    public byte[] toArray() {
        return Arrays.copyOfRange(data, start, start + length);
    }

    public void copyTo(int offset, byte[] dest, int destOffset, int count) {
        require(offset, count, "region");
        System.arraycopy(data, start + offset, dest, destOffset, count);
    }

    /** ASCII text of the bytes at {@code offset}, for magic numbers and tags. */
    public String ascii(int offset, int count) {
        require(offset, count, "text");
        return new String(data, start + offset, count, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * NUL-terminated string starting at {@code offset}, decoded as UTF-8; ends at the view's end when no NUL is found.
     * Control and formatting characters come back escaped ({@link SafeText}): these strings are names from files we do
     * not trust (ELF and DWARF string tables) and end up on terminals.
     */
    public String cString(int offset) {
        require(offset, 0, "string");
        int p = start + offset;
        int end = start + length;
        int q = p;
        while (q < end && data[q] != 0) {
            q++;
        }
        return SafeText.of(new String(data, p, q - p, java.nio.charset.StandardCharsets.UTF_8));
    }

    public ByteCursor cursor() {
        return new ByteCursor(this, 0);
    }

    public ByteCursor cursor(int offset) {
        require(offset, 0, "cursor start");
        return new ByteCursor(this, offset);
    }
}
