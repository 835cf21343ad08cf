package dev.zmkagent.device.dfu;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.uf2.FlashImage;
import dev.zmkagent.device.uf2.Uf2Block;
import dev.zmkagent.device.uf2.Uf2File;
import java.util.Arrays;
import java.util.Set;

/**
 * The application binary serial DFU sends, made from the same UF2 a drive flash uses: the blocks of accepted
 * families, laid out from the application start, gaps filled with 0xFF (what START's erase leaves), padded with 0xFF
 * to a multiple of 4 bytes as START requires.
 */
public record DfuImage(long start, byte[] bytes) {
    public static DfuImage fromUf2(Uf2File uf2, Set<Long> families, long appStart, long limit) {
        FlashImage.Builder b = new FlashImage.Builder();
        for (Uf2Block bl : uf2.blocks()) {
            if (bl.isFlash() && bl.hasFamily() && families.contains(bl.familyId())) {
                b.put(bl.targetAddress(), bl.payload());
            }
        }
        FlashImage img = b.build();
        if (img.runs().isEmpty()) {
            throw new FormatException("the UF2 has no application blocks for this board");
        }
        if (img.lowest() != appStart) {
            throw new FormatException(String.format("the UF2 starts at 0x%X, not at the application start 0x%X", img.lowest(), appStart));
        }
        long end = img.highestEnd();
        if (end > limit) {
            throw new FormatException(String.format("the UF2 ends at 0x%X, past the application area's end 0x%X", end, limit));
        }
        int size = (int) (((end - appStart) + 3) & ~3L);
        byte[] out = new byte[size];
        Arrays.fill(out, (byte) 0xFF);
        for (FlashImage.Run r : img.runs()) {
            System.arraycopy(r.data(), 0, out, (int) (r.start() - appStart), r.data().length);
        }
        return new DfuImage(appStart, out);
    }
}
