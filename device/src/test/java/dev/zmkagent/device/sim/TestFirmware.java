package dev.zmkagent.device.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Builds UF2 firmware files block by block for tests: deterministic pseudo-random code at {@code start}, 256-byte
 * payloads, family-tagged, numbered. Each block can be bent to break one rule. Shared through the test jar.
 */
public final class TestFirmware {
    public static final long NICE_NANO_FAMILY = 0x239A00B3L;
    public static final long XIAO_FAMILY = 0x28860044L;
    public static final long GENERIC_FAMILY = 0xADA52840L;

    /** One block while it is being built; tests change fields to break rules. */
    public static final class Block {
        public int flags = 0x2000;
        public long address;
        public int payloadSize = 256;
        public long blockNo;
        public long numBlocks;
        public long family;
        public byte[] data;
    }

    private final List<Block> blocks = new ArrayList<>();

    /** {@code size} bytes of code from {@code start} (size rounded up to 256). */
    public static TestFirmware code(long start, int size, long family, long seed) {
        TestFirmware f = new TestFirmware();
        Random r = new Random(seed);
        int count = (size + 255) / 256;
        for (int i = 0; i < count; i++) {
            Block b = new Block();
            b.address = start + 256L * i;
            b.blockNo = i;
            b.numBlocks = count;
            b.family = family;
            b.data = new byte[256];
            r.nextBytes(b.data);
            f.blocks.add(b);
        }
        return f;
    }

    public TestFirmware each(Consumer<Block> change) {
        blocks.forEach(change);
        return this;
    }

    public TestFirmware block(int index, Consumer<Block> change) {
        change.accept(blocks.get(index));
        return this;
    }

    public List<Block> blocks() {
        return blocks;
    }

    /** The code bytes, contiguous from the first block's address. */
    public byte[] code() {
        byte[] out = new byte[blocks.size() * 256];
        for (int i = 0; i < blocks.size(); i++) {
            System.arraycopy(blocks.get(i).data, 0, out, i * 256, 256);
        }
        return out;
    }

    public byte[] uf2() {
        ByteBuffer b = ByteBuffer.allocate(blocks.size() * 512).order(ByteOrder.LITTLE_ENDIAN);
        for (Block x : blocks) {
            int at = b.position();
            b.putInt(0x0A324655).putInt(0x9E5D5157).putInt(x.flags).putInt((int) x.address).putInt(x.payloadSize)
                    .putInt((int) x.blockNo).putInt((int) x.numBlocks).putInt((int) x.family);
            b.put(x.data, 0, Math.min(x.data.length, 476));
            b.position(at + 508);
            b.putInt(0x0AB16F30);
        }
        return b.array();
    }
}
