package dev.zmkagent.device.uf2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class Uf2FileTest {
    private static byte[] flash(int size) {
        byte[] f = new byte[size];
        for (int i = 0; i < size; i++) {
            f[i] = (byte) (i * 31 + (i >> 8));
        }
        return f;
    }

    @Test
    void currentUf2RenderingFollowsTheBootloader() {
        byte[] flash = flash(0x100000);
        byte[] uf2 = CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, 0x239A00B3L);
        assertEquals(3728 * 512, uf2.length, "bootloader >=0.6.1 window is 3728 blocks (1,908,736 bytes)");
        Uf2File f = Uf2File.parse(ByteView.of(uf2));
        assertEquals(3728, f.blocks().size());
        Uf2Block b7 = f.blocks().get(7);
        assertEquals(0x1000 + 7 * 256, b7.targetAddress());
        assertEquals(256, b7.payloadSize());
        assertEquals(7, b7.blockNo());
        assertEquals(3728, b7.numBlocks());
        assertEquals(0x239A00B3L, b7.familyId());
        assertEquals(Uf2Block.FLAG_FAMILY_ID, b7.flags());
        assertEquals(List.of(0x239A00B3L), List.copyOf(f.families()));
        FlashImage img = f.toFlashImage();
        assertEquals(1, img.runs().size());
        assertEquals(0x1000, img.lowest());
        assertEquals(0xEA000, img.highestEnd());
        assertArrayEquals(Arrays.copyOfRange(flash, 0x1000, 0xEA000), img.runs().get(0).data());
    }

    @Test
    void oldBootloaderWindowIs2752Blocks() {
        byte[] uf2 = CurrentUf2Renderer.render(flash(0x100000), 0x1000, 0xAD000, 0x28860044L);
        assertEquals(1_409_024, uf2.length);
    }

    @Test
    void bytesBeyondTheFlashReadErased() {
        byte[] uf2 = CurrentUf2Renderer.render(new byte[0x1080], 0x1000, 0x1100, 1);
        FlashImage img = Uf2File.parse(ByteView.of(uf2)).toFlashImage();
        assertEquals(0, img.view(0x107F, 1).u8(0));
        assertEquals(0xFF, img.view(0x1080, 1).u8(0));
    }

    @Test
    void badStartMagicNamesTheBlockAndOffset() {
        byte[] uf2 = CurrentUf2Renderer.render(flash(0x2000), 0x1000, 0x2000, 1);
        uf2[3 * 512 + 4] ^= 1;
        FormatException e = assertThrows(FormatException.class, () -> Uf2File.parse(ByteView.of(uf2)));
        assertEquals("UF2 block 3 has a bad start magic (at offset 0x600)", e.getMessage());
    }

    @Test
    void badEndMagicIsRefused() {
        byte[] uf2 = CurrentUf2Renderer.render(flash(0x2000), 0x1000, 0x2000, 1);
        uf2[512 + 508] = 0;
        FormatException e = assertThrows(FormatException.class, () -> Uf2File.parse(ByteView.of(uf2)));
        assertTrue(e.getMessage().startsWith("UF2 block 1 has a bad end magic"), e.getMessage());
    }

    @Test
    void cutOffLastBlockIsRefused() {
        byte[] uf2 = CurrentUf2Renderer.render(flash(0x2000), 0x1000, 0x2000, 1);
        byte[] cut = Arrays.copyOf(uf2, uf2.length - 100);
        FormatException e = assertThrows(FormatException.class, () -> Uf2File.parse(ByteView.of(cut)));
        assertEquals("UF2 block 15 is cut off: the file ends 412 bytes into it (a UF2 file is a whole number of 512-byte blocks) (at offset 0x1e00)", e.getMessage());
    }

    @Test
    void oversizedPayloadIsRefused() {
        byte[] uf2 = CurrentUf2Renderer.render(flash(0x2000), 0x1000, 0x2000, 1);
        ByteBuffer.wrap(uf2).order(ByteOrder.LITTLE_ENDIAN).putInt(2 * 512 + 16, 1_000_000);
        FormatException e = assertThrows(FormatException.class, () -> Uf2File.parse(ByteView.of(uf2)));
        assertTrue(e.getMessage().contains("claims a payload of 1000000 bytes (at most 476)"), e.getMessage());
    }

    @Test
    void notMainFlashBlocksAreSkipped() {
        byte[] uf2 = CurrentUf2Renderer.render(flash(0x1200), 0x1000, 0x1200, 1);
        ByteBuffer.wrap(uf2).order(ByteOrder.LITTLE_ENDIAN).putInt(512 + 8, Uf2Block.FLAG_NOT_MAIN_FLASH | Uf2Block.FLAG_FAMILY_ID);
        FlashImage img = Uf2File.parse(ByteView.of(uf2)).toFlashImage();
        assertTrue(img.covers(0x1000, 256));
        assertFalse(img.covers(0x1100, 1));
        assertNull(img.view(0x1100, 4), "unknown flash is not zero-filled");
    }

    @Test
    void sniffingLooksAtContent() {
        assertTrue(Uf2File.looksLikeUf2(ByteView.of(CurrentUf2Renderer.render(new byte[0], 0, 256, 0))));
        assertFalse(Uf2File.looksLikeUf2(ByteView.of("UF2\n....".getBytes())));
    }
}
