package dev.zmkagent.device.uf2;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole UF2 file, parsed block by block (never by file offset): every block must carry all three magics and a
 * payload of at most 476 bytes; a file whose length is not a multiple of 512 has a cut-off last block.
 */
public final class Uf2File {
    private final List<Uf2Block> blocks;

    private Uf2File(List<Uf2Block> blocks) {
        this.blocks = blocks;
    }

    /** True when the data starts with the two UF2 start magics (content sniffing, not the file name). */
    public static boolean looksLikeUf2(ByteView b) {
        return b.has(0, 8) && b.u32(0) == Uf2Block.MAGIC_START0 && b.u32(4) == Uf2Block.MAGIC_START1;
    }

    public static Uf2File parse(ByteView b) {
        if (b.length() == 0) {
            throw new FormatException("UF2 file is empty");
        }
        int count = b.length() / Uf2Block.SIZE;
        List<Uf2Block> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            blocks.add(parseBlock(b, i));
        }
        if (b.length() % Uf2Block.SIZE != 0) {
            throw new FormatException("UF2 block " + count + " is cut off: the file ends " + (b.length() % Uf2Block.SIZE)
                    + " bytes into it (a UF2 file is a whole number of 512-byte blocks)", (long) count * Uf2Block.SIZE);
        }
        return new Uf2File(List.copyOf(blocks));
    }

    static Uf2Block parseBlock(ByteView file, int index) {
        int o = index * Uf2Block.SIZE;
        ByteView b = file.slice(o, Uf2Block.SIZE);
        if (b.u32(0) != Uf2Block.MAGIC_START0 || b.u32(4) != Uf2Block.MAGIC_START1) {
            throw new FormatException("UF2 block " + index + " has a bad start magic", file.origin() + o);
        }
        if (b.u32(508) != Uf2Block.MAGIC_END) {
            throw new FormatException("UF2 block " + index + " has a bad end magic", file.origin() + o + 508);
        }
        int flags = b.s32(8);
        long target = b.u32(12);
        long payloadSize = b.u32(16);
        if (payloadSize > Uf2Block.MAX_PAYLOAD) {
            throw new FormatException("UF2 block " + index + " claims a payload of " + payloadSize + " bytes (at most 476)", file.origin() + o + 16);
        }
        if (target + payloadSize > 0x1_0000_0000L) {
            throw new FormatException(String.format("UF2 block %d targets 0x%08x: its %d bytes run past the 32-bit address space", index, target, payloadSize),
                    file.origin() + o + 12);
        }
        return new Uf2Block(flags, target, (int) payloadSize, b.u32(20), b.u32(24), b.u32(28), b.slice(32, payloadSize), file.origin() + o);
    }

    public List<Uf2Block> blocks() {
        return blocks;
    }

    /** Family IDs present, in order of first appearance (blocks without the family flag are not counted). */
    public Set<Long> families() {
        Set<Long> f = new LinkedHashSet<>();
        for (Uf2Block bl : blocks) {
            if (bl.hasFamily()) {
                f.add(bl.familyId());
            }
        }
        return f;
    }

    /** The flash contents the file describes (main-flash blocks only). */
    public FlashImage toFlashImage() {
        FlashImage.Builder image = new FlashImage.Builder();
        for (Uf2Block bl : blocks) {
            if (bl.isFlash()) {
                image.put(bl.targetAddress(), bl.payload());
            }
        }
        return image.build();
    }
}
