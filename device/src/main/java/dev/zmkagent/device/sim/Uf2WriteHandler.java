package dev.zmkagent.device.sim;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.device.uf2.Uf2Block;
import java.util.BitSet;

/**
 * The bootloader's handling of one written 512-byte sector, as its virtual FAT does it: a sector is a UF2 block only
 * with all three magics, the family flag, no "not main flash" flag, a 256-byte payload and a 256-aligned address;
 * application families ((VID&lt;&lt;16)|PID or 0xADA52840) are written in [0x1000, window end), skipped but counted below
 * 0x1000, and dropped (not counted) above; every other sector is acknowledged and discarded. The copy completes when
 * the number of distinct block numbers reaches the first counted block's numBlocks. State persists across files until
 * the bootloader restarts, as the real one's does.
 */
public final class Uf2WriteHandler {
    public static final long FAMILY_NRF52840 = 0xADA52840L;
    static final long MAX_BLOCKS = 0x100000 / 256 + 100;
    static final long NEVER = 0xFFFFFFFFL;

    public enum Result { IGNORED, WRITTEN, SKIPPED_COUNTED, COMPLETE }

    private final SimFlash flash;
    private final long boardFamily;
    private final long userFlashEnd;
    private final BitSet written = new BitSet();
    private long numBlocks = -1;
    private int numWritten;
    private boolean complete;

    public Uf2WriteHandler(SimFlash flash, long boardFamily, long userFlashEnd) {
        this.flash = flash;
        this.boardFamily = boardFamily;
        this.userFlashEnd = userFlashEnd;
    }

    public synchronized Result write(ByteView sector) {
        if (complete || sector.length() != Uf2Block.SIZE) {
            return Result.IGNORED;
        }
        if (sector.u32(0) != Uf2Block.MAGIC_START0 || sector.u32(4) != Uf2Block.MAGIC_START1 || sector.u32(508) != Uf2Block.MAGIC_END) {
            return Result.IGNORED;
        }
        long flags = sector.u32(8);
        long addr = sector.u32(12);
        long size = sector.u32(16);
        if ((flags & Uf2Block.FLAG_FAMILY_ID) == 0 || (flags & Uf2Block.FLAG_NOT_MAIN_FLASH) != 0 || size != 256 || (addr & 0xFF) != 0) {
            return Result.IGNORED;
        }
        long family = sector.u32(28);
        if (family != boardFamily && family != FAMILY_NRF52840) {
            return Result.IGNORED; // bootloader self-update (0xD663823C) is not simulated; other families are not ours
        }
        Result r;
        if (addr < 0x1000) {
            r = Result.SKIPPED_COUNTED;
        } else if (addr < userFlashEnd) {
            flash.write(addr, sector.slice(32, 256).toArray());
            r = Result.WRITTEN;
        } else {
            return Result.IGNORED;
        }
        long blockNo = sector.u32(20);
        long total = sector.u32(24);
        if (numBlocks < 0) {
            numBlocks = total;
        }
        if ((total != 0 && total != numBlocks) || numBlocks >= MAX_BLOCKS) {
            numBlocks = NEVER;
        }
        if (blockNo < MAX_BLOCKS && !written.get((int) blockNo)) {
            written.set((int) blockNo);
            numWritten++;
            if (numWritten >= numBlocks) {
                complete = true;
                return Result.COMPLETE;
            }
        }
        return r;
    }

    public synchronized boolean complete() {
        return complete;
    }

    public synchronized int blocksCounted() {
        return numWritten;
    }
}
