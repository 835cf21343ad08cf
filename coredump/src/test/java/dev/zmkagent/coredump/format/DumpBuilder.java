package dev.zmkagent.coredump.format;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Builds 'ZE' streams and 'CD' partitions byte by byte from the format description, for tests of every rule.
 * Shared with the other modules through the test jar.
 */
public final class DumpBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static DumpBuilder stream(int headerVersion, int reason) {
        return header(headerVersion, 3, 5, 0, reason);
    }

    public static DumpBuilder header(int version, int target, int ptrBits, int flags, int reason) {
        DumpBuilder b = new DumpBuilder();
        b.out.write('Z');
        b.out.write('E');
        b.u16(version).u16(target).u8(ptrBits).u8(flags).u32(reason);
        return b;
    }

    public DumpBuilder u8(int v) {
        out.write(v);
        return this;
    }

    public DumpBuilder u16(int v) {
        out.write(v & 0xFF);
        out.write((v >> 8) & 0xFF);
        return this;
    }

    public DumpBuilder u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >> (8 * i)) & 0xFF);
        }
        return this;
    }

    public DumpBuilder bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** Arch block v2: r0,r1,r2,r3,r12,lr,pc,xpsr,sp then r4..r11 (zeros unless given). */
    public DumpBuilder archV2(long r0, long r1, long r2, long r3, long r12, long lr, long pc, long xpsr, long sp, long... r4to11) {
        u8('A').u16(2).u16(68);
        for (long v : new long[] {r0, r1, r2, r3, r12, lr, pc, xpsr, sp}) {
            u32(v);
        }
        for (int i = 0; i < 8; i++) {
            u32(i < r4to11.length ? r4to11[i] : 0);
        }
        return this;
    }

    public DumpBuilder arch(int version, long... words) {
        u8('A').u16(version).u16(words.length * 4);
        for (long w : words) {
            u32(w);
        }
        return this;
    }

    public DumpBuilder memory(long start, byte[] data) {
        u8('M').u16(1).u32(start).u32(start + data.length);
        return bytes(data);
    }

    public DumpBuilder threads(byte[] kernel) {
        u8('T').u16(1).u16(kernel.length);
        return bytes(kernel);
    }

    /** The CRC-32 trailer over everything written so far. */
    public DumpBuilder crc() {
        CRC32 c = new CRC32();
        c.update(out.toByteArray());
        return u8('C').u16(1).u32(c.getValue());
    }

    public byte[] build() {
        return out.toByteArray();
    }

    /** A 64 KiB partition holding {@code stream} behind a valid 'CD' header. */
    public static byte[] partition(byte[] stream) {
        return partition(stream, stream.length, -1, 0, 0x10000);
    }

    /**
     * A partition: erased (0xFF) except the stream at 16 and the header; {@code checksum} -1 computes it over the
     * stored bytes. Bytes of the stream beyond {@code size} are not written (as Zephyr drops them when full).
     */
    public static byte[] partition(byte[] stream, int size, int checksum, int error, int partitionSize) {
        byte[] p = new byte[partitionSize];
        Arrays.fill(p, (byte) 0xFF);
        int stored = Math.min(size, Math.min(stream.length, partitionSize - 16));
        System.arraycopy(stream, 0, p, 16, stored);
        int sum = 0;
        for (int i = 0; i < stored; i++) {
            sum += stream[i] & 0xFF;
        }
        ByteBuffer h = ByteBuffer.wrap(p, 0, 16).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) 'C').put((byte) 'D').putShort((short) 1).putInt(size).putShort((short) 0)
                .putShort((short) (checksum < 0 ? sum & 0xFFFF : checksum)).putInt(error);
        return p;
    }

    public static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
