package dev.zmkagent.coredump.bytes;

/**
 * A sequential little-endian reader over a {@link ByteView}: the one reader every stream-like format
 * (ZE blocks, DWARF, CFI) uses. Reads past the end fail with a {@link FormatException} at the absolute offset.
 */
public final class ByteCursor {
    private final ByteView view;
    private int position;

    ByteCursor(ByteView view, int position) {
        this.view = view;
        this.position = position;
    }

    public int position() {
        return position;
    }

    /** Absolute offset in the original input of the next byte to read. */
    public long absolutePosition() {
        return view.origin() + position;
    }

    public void seek(int newPosition) {
        view.require(newPosition, 0, "seek target");
        position = newPosition;
    }

    public int remaining() {
        return view.length() - position;
    }

    public boolean hasRemaining() {
        return position < view.length();
    }

    public void skip(long count) {
        view.require(position, count, "skipped bytes");
        position += (int) count;
    }

    public int u8() {
        int v = view.u8(position);
        position += 1;
        return v;
    }

    public int u16() {
        int v = view.u16(position);
        position += 2;
        return v;
    }

    public long u32() {
        long v = view.u32(position);
        position += 4;
        return v;
    }

    public int s32() {
        int v = view.s32(position);
        position += 4;
        return v;
    }

    public long u64() {
        long v = view.u64(position);
        position += 8;
        return v;
    }

    /** Unsigned value of {@code size} bytes (1, 2, 4 or 8). */
    public long unsigned(int size) {
        switch (size) {
            case 1: return u8();
            case 2: return u16();
            case 4: return u32();
            case 8: return u64();
            default: throw new FormatException("unsupported value size " + size, absolutePosition());
        }
    }

    public long uleb128() {
        long result = 0;
        int shift = 0;
        while (true) {
            int b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7F) << shift;
            }
            shift += 7;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
    }

    public long sleb128() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7F) << shift;
            }
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    /** NUL-terminated UTF-8 string; the NUL must be present. */
    public String cString() {
        int start = position;
        while (true) {
            if (!view.has(position, 1)) {
                throw new FormatException("string is not terminated", view.origin() + start);
            }
            if (view.u8(position) == 0) {
                break;
            }
            position++;
        }
        String s = view.slice(start, position - start).cString(0);
        position++;
        return s;
    }

    public ByteView bytes(long count) {
        ByteView v = view.slice(position, count);
        position += (int) count;
        return v;
    }
}
