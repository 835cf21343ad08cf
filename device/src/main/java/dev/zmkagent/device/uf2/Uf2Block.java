package dev.zmkagent.device.uf2;

import dev.zmkagent.coredump.bytes.ByteView;

/**
 * One 512-byte UF2 block (microsoft/uf2): three magics, flags, target address, payload size (at most 476),
 * block number, block count, and a word that is the family ID when flag 0x2000 is set.
 */
public record Uf2Block(int flags, long targetAddress, int payloadSize, long blockNo, long numBlocks, long familyOrSize, ByteView payload, long fileOffset) {
    public static final int SIZE = 512;
    public static final long MAGIC_START0 = 0x0A324655L;
    public static final long MAGIC_START1 = 0x9E5D5157L;
    public static final long MAGIC_END = 0x0AB16F30L;
    public static final int MAX_PAYLOAD = 476;
    public static final int FLAG_NOT_MAIN_FLASH = 0x0000_0001;
    public static final int FLAG_FILE_CONTAINER = 0x0000_1000;
    public static final int FLAG_FAMILY_ID = 0x0000_2000;

    public boolean hasFamily() {
        return (flags & FLAG_FAMILY_ID) != 0;
    }

    public long familyId() {
        return hasFamily() ? familyOrSize : -1;
    }

    public boolean isFlash() {
        return (flags & (FLAG_NOT_MAIN_FLASH | FLAG_FILE_CONTAINER)) == 0;
    }
}
