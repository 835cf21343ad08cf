package dev.zmkagent.coredump.values;

import java.util.Arrays;
import java.util.List;

/**
 * The bytes of one value and, per byte, whether it is known: a value assembled from pieces may be partly in a register
 * the dump lacks, partly optimized out. Little endian (Cortex-M).
 */
final class ValueBytes {
    /** At most this many bytes are read for one value (a DWARF size cannot make us allocate more). */
    static final int MAX_BYTES = 64 * 1024;

    final byte[] data;
    /** null when the byte is known, else why it is not. */
    final Missing[] missing;
    /** The address the value lives at when it is in memory as a whole (for the type's &lt;synthetic&gt; cases and arrays). */
    final long address;
    final boolean implicitPointer;

    private ValueBytes(byte[] data, Missing[] missing, long address, boolean implicitPointer) {
        this.data = data;
        this.missing = missing;
        this.address = address;
        this.implicitPointer = implicitPointer;
    }

    static ValueBytes allMissing(int size, Missing why) {
        Missing[] m = new Missing[size];
        Arrays.fill(m, why);
        return new ValueBytes(new byte[size], m, -1, false);
    }

    static ValueBytes known(byte[] data) {
        return new ValueBytes(data, new Missing[data.length], -1, false);
    }

    int size() {
        return data.length;
    }

    /** The first reason a byte in [offset, offset+length) is missing, or null when all are known. */
    Missing missingIn(int offset, int length) {
        for (int i = Math.max(0, offset); i < offset + length && i < missing.length; i++) {
            if (missing[i] != null) {
                return missing[i];
            }
        }
        return offset + length > data.length ? Missing.OPTIMIZED : null;
    }

    long unsigned(int offset, int length) {
        long v = 0;
        for (int i = 0; i < length && i < 8; i++) {
            v |= (data[offset + i] & 0xFFL) << (8 * i);
        }
        return v;
    }

    ValueBytes slice(int offset, int length) {
        int end = Math.min(data.length, offset + length);
        int from = Math.min(Math.max(0, offset), end);
        byte[] d = Arrays.copyOfRange(data, from, end);
        Missing[] m = Arrays.copyOfRange(missing, from, end);
        if (d.length < length) {
            d = Arrays.copyOf(d, length);
            m = Arrays.copyOf(m, length);
            Arrays.fill(m, end - from, length, Missing.OPTIMIZED);
        }
        return new ValueBytes(d, m, address >= 0 ? address + offset : -1, false);
    }

    /** Reads a value of {@code size} bytes from its pieces, using the frame's registers and the dump's memory. */
    static ValueBytes read(List<Piece> pieces, int size, ExpressionEvaluator.ExpressionFrame frame) {
        size = Math.max(0, Math.min(size, MAX_BYTES));
        byte[] data = new byte[size];
        Missing[] missing = new Missing[size];
        long address = pieces.size() == 1 && pieces.get(0).kind() == Piece.Kind.MEMORY ? pieces.get(0).number() : -1;
        boolean implicitPointer = pieces.size() == 1 && pieces.get(0).kind() == Piece.Kind.IMPLICIT_POINTER;
        int bitPos = 0;
        for (Piece p : pieces) {
            int bits = p.sizeBits() == 0 ? size * 8 - bitPos : p.sizeBits();
            if (bits <= 0 || bitPos >= size * 8) {
                break;
            }
            bits = Math.min(bits, size * 8 - bitPos);
            byte[] src = new byte[Math.min((p.bitOffset() + bits + 7) / 8, MAX_BYTES + 8)];
            Missing why = fill(p, src, frame);
            for (int i = 0; i < bits; i++) {
                int dst = bitPos + i;
                if (why != null) {
                    missing[dst / 8] = why;
                    continue;
                }
                int s = p.bitOffset() + i;
                int bit = s / 8 < src.length ? (src[s / 8] >> (s % 8)) & 1 : 0;
                data[dst / 8] |= (byte) (bit << (dst % 8));
            }
            bitPos += bits;
        }
        for (int i = (bitPos + 7) / 8; i < size; i++) {
            if (missing[i] == null) {
                missing[i] = Missing.OPTIMIZED;
            }
        }
        return new ValueBytes(data, missing, address, implicitPointer);
    }

    /** The source bytes of one piece; the reason when they cannot be had. */
    private static Missing fill(Piece p, byte[] dst, ExpressionEvaluator.ExpressionFrame frame) {
        switch (p.kind()) {
            case OPTIMIZED_OUT, IMPLICIT_POINTER:
                return Missing.OPTIMIZED;
            case VALUE:
                for (int i = 0; i < dst.length && i < 8; i++) {
                    dst[i] = (byte) (p.number() >>> (8 * i));
                }
                return null;
            case IMPLICIT:
                System.arraycopy(p.bytes(), 0, dst, 0, Math.min(dst.length, p.bytes().length));
                return null;
            case REGISTER: {
                // A value wider than a register continues in the next one (r0:r1 for a 64-bit value), as gdb reads it.
                int reg = (int) p.number();
                if (reg >= 256) { // a VFP double register: 8 bytes at once
                    var d = frame.register(reg);
                    if (d.isEmpty()) {
                        return Missing.register(reg);
                    }
                    for (int i = 0; i < 8 && i < dst.length; i++) {
                        dst[i] = (byte) (d.getAsLong() >>> (8 * i));
                    }
                    return null;
                }
                for (int w = 0; w * 4 < dst.length; w++) {
                    var v = frame.register(reg + w);
                    if (v.isEmpty()) {
                        return Missing.register(reg + w);
                    }
                    for (int i = 0; i < 4 && w * 4 + i < dst.length; i++) {
                        dst[w * 4 + i] = (byte) (v.getAsLong() >>> (8 * i));
                    }
                }
                return null;
            }
            case MEMORY: {
                int n = dst.length;
                for (int i = 0; i < n; i += 8) {
                    int chunk = Math.min(8, n - i);
                    var v = frame.read(p.number() + i, chunk);
                    if (v.isEmpty()) {
                        // name the first byte that is missing
                        for (int j = 0; j < chunk; j++) {
                            if (frame.read(p.number() + i + j, 1).isEmpty()) {
                                return Missing.memory(p.number() + i + j);
                            }
                        }
                        return Missing.memory(p.number() + i);
                    }
                    for (int j = 0; j < chunk; j++) {
                        dst[i + j] = (byte) (v.getAsLong() >>> (8 * j));
                    }
                }
                return null;
            }
            default:
                return Missing.OPTIMIZED;
        }
    }
}
