package dev.zmkagent.device.uf2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Renders CURRENT.UF2 the way the Adafruit nRF52 bootloader's virtual FAT does: block i covers
 * {@code windowStart + i*256} with a 256-byte payload, flags = family-ID present, the board's family ID,
 * blockNo = i and numBlocks = the whole window. Bytes outside the given flash read as erased (0xFF).
 */
public final class CurrentUf2Renderer {
    public static final int PAYLOAD = 256;

    private CurrentUf2Renderer() {
    }

    /** {@code flash} holds the flash contents from address 0. */
    public static byte[] render(byte[] flash, long windowStart, long windowEnd, long familyId) {
        int count = (int) ((windowEnd - windowStart) / PAYLOAD);
        ByteArrayOutputStream out = new ByteArrayOutputStream(count * Uf2Block.SIZE);
        for (int i = 0; i < count; i++) {
            long addr = windowStart + (long) i * PAYLOAD;
            out.writeBytes(block(flash, addr, i, count, familyId));
        }
        return out.toByteArray();
    }

    static byte[] block(byte[] flash, long addr, int blockNo, int count, long familyId) {
        ByteBuffer b = ByteBuffer.allocate(Uf2Block.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) Uf2Block.MAGIC_START0).putInt((int) Uf2Block.MAGIC_START1)
                .putInt(Uf2Block.FLAG_FAMILY_ID).putInt((int) addr).putInt(PAYLOAD)
                .putInt(blockNo).putInt(count).putInt((int) familyId);
        for (int j = 0; j < PAYLOAD; j++) {
            long a = addr + j;
            b.put(a < flash.length ? flash[(int) a] : (byte) 0xFF);
        }
        b.position(508);
        b.putInt((int) Uf2Block.MAGIC_END);
        return b.array();
    }
}
