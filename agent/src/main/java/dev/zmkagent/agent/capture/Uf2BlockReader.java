package dev.zmkagent.agent.capture;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.uf2.Uf2Block;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to CURRENT.UF2 as the Adafruit bootloader renders it: block i sits at file offset i*512 and carries
 * the 256 flash bytes at {@code windowStart + i*256}. Reading only the blocks a question needs is what makes the first
 * report fast; every block read is checked (magics, address, payload size) and counted.
 */
public final class Uf2BlockReader implements Closeable {
    public static final int PAYLOAD = 256;

    private final FileChannel channel;
    private final String name;
    private final long fileSize;
    private final long windowStart;
    private final int blockCount;
    private final long familyId;
    private long bytesRead;

    private Uf2BlockReader(FileChannel channel, String name, long fileSize, long windowStart, int blockCount, long familyId, long bytesRead) {
        this.channel = channel;
        this.name = name;
        this.fileSize = fileSize;
        this.windowStart = windowStart;
        this.blockCount = blockCount;
        this.familyId = familyId;
        this.bytesRead = bytesRead;
    }

    public static Uf2BlockReader open(Path currentUf2) throws IOException {
        FileChannel ch = FileChannel.open(currentUf2, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size < Uf2Block.SIZE) {
                throw new FormatException(currentUf2 + " is " + size + " bytes, not even one UF2 block");
            }
            ByteBuffer b = ByteBuffer.allocate(Uf2Block.SIZE);
            readFully(ch, b, 0);
            ByteView v = ByteView.of(b.array());
            checkMagics(v, currentUf2.toString(), 0);
            if (v.u32(16) != PAYLOAD) {
                throw new FormatException(currentUf2 + ": block 0 carries " + v.u32(16) + " bytes, not 256: not a bootloader's CURRENT.UF2");
            }
            long family = (v.u32(8) & Uf2Block.FLAG_FAMILY_ID) != 0 ? v.u32(28) : -1;
            if (v.u32(24) * Uf2Block.SIZE != size) {
                // The bootloader writes the block count into every block: a shorter file is still being written (or cut).
                throw new IOException(currentUf2 + " is " + size + " bytes but its blocks say " + v.u32(24) + " blocks: the file is incomplete");
            }
            return new Uf2BlockReader(ch, currentUf2.toString(), size, v.u32(12), (int) (size / Uf2Block.SIZE), family, Uf2Block.SIZE);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static void checkMagics(ByteView v, String name, int index) {
        if (v.u32(0) != Uf2Block.MAGIC_START0 || v.u32(4) != Uf2Block.MAGIC_START1 || v.u32(508) != Uf2Block.MAGIC_END) {
            throw new FormatException(name + ": block " + index + " is not a UF2 block (bad magic)", (long) index * Uf2Block.SIZE);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new EOFException("CURRENT.UF2 ended at byte " + pos + " while reading (the drive went away?)");
            }
            pos += n;
        }
    }

    public long windowStart() {
        return windowStart;
    }

    public long windowEnd() {
        return windowStart + (long) blockCount * PAYLOAD;
    }

    public int blockCount() {
        return blockCount;
    }

    public long familyId() {
        return familyId;
    }

    public long fileSize() {
        return fileSize;
    }

    /** Bytes of CURRENT.UF2 read so far through this reader. */
    public long bytesRead() {
        return bytesRead;
    }

    public boolean covers(long addr, long len) {
        return addr >= windowStart && addr + len <= windowEnd();
    }

    /** The 256 payload bytes of block {@code index}. */
    public byte[] payload(int index) throws IOException {
        if (index < 0 || index >= blockCount) {
            throw new IllegalArgumentException("block " + index + " is outside CURRENT.UF2's " + blockCount + " blocks");
        }
        ByteBuffer b = ByteBuffer.allocate(Uf2Block.SIZE);
        readFully(channel, b, (long) index * Uf2Block.SIZE);
        bytesRead += Uf2Block.SIZE;
        ByteView v = ByteView.of(b.array());
        checkMagics(v, name, index);
        long expected = windowStart + (long) index * PAYLOAD;
        if (v.u32(12) != expected || v.u32(16) != PAYLOAD) {
            throw new FormatException(String.format("%s: block %d covers 0x%x (%d bytes), expected 0x%x (256): not laid out as a bootloader's CURRENT.UF2",
                    name, index, v.u32(12), v.u32(16), expected), (long) index * Uf2Block.SIZE);
        }
        return v.slice(32, PAYLOAD).toArray();
    }

    /** Flash bytes [addr, addr+len), read from the blocks that cover them. */
    public byte[] read(long addr, int len) throws IOException {
        if (!covers(addr, len)) {
            throw new IllegalArgumentException(String.format("0x%x+%d is outside CURRENT.UF2's window 0x%x-0x%x", addr, len, windowStart, windowEnd()));
        }
        byte[] out = new byte[len];
        long a = addr;
        int done = 0;
        while (done < len) {
            int block = (int) ((a - windowStart) / PAYLOAD);
            int off = (int) ((a - windowStart) % PAYLOAD);
            byte[] p = payload(block);
            int n = Math.min(PAYLOAD - off, len - done);
            System.arraycopy(p, off, out, done, n);
            done += n;
            a += n;
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
