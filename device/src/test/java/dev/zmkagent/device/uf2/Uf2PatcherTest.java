package dev.zmkagent.device.uf2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Uf2Patcher on a CURRENT.UF2 as the bootloader renders it: only payload bytes of the range change. */
class Uf2PatcherTest {
    private static byte[] flash() {
        byte[] f = new byte[0x100000];
        for (int i = 0; i < f.length; i++) {
            f[i] = (byte) (i * 31 + (i >> 9));
        }
        return f;
    }

    @Test
    void patchesExactlyTheRangeAcrossBlockBoundariesAndKeepsEveryHeader() {
        byte[] flash = flash();
        byte[] uf2 = CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, 0x239A00B3L);
        long at = 0x71000 + 200;                                  // starts inside one 256-byte payload, ends in a later one
        byte[] data = new byte[700];
        Arrays.fill(data, (byte) 0x5A);
        Uf2Patcher.Patched p = Uf2Patcher.patch(uf2, at, data);
        assertEquals(700, p.bytesPatched());
        assertEquals(uf2.length, p.uf2().length);

        byte[] expected = flash.clone();
        System.arraycopy(data, 0, expected, (int) at, data.length);
        FlashImage out = Uf2File.parse(ByteView.of(p.uf2())).toFlashImage();
        assertArrayEquals(Arrays.copyOfRange(expected, 0x1000, 0xEA000), out.view(0x1000, 0xEA000 - 0x1000).toArray());
        List<Uf2Block> before = Uf2File.parse(ByteView.of(uf2)).blocks();
        List<Uf2Block> after = Uf2File.parse(ByteView.of(p.uf2())).blocks();
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(Arrays.copyOfRange(uf2, i * 512, i * 512 + 32), Arrays.copyOfRange(p.uf2(), i * 512, i * 512 + 32), "header of block " + i);
            assertArrayEquals(Arrays.copyOfRange(uf2, i * 512 + 508, i * 512 + 512), Arrays.copyOfRange(p.uf2(), i * 512 + 508, i * 512 + 512));
            assertEquals(before.get(i).targetAddress(), after.get(i).targetAddress());
        }
    }

    @Test
    void aRangeOutsideTheFileIsReportedAsNotPatched() {
        byte[] uf2 = CurrentUf2Renderer.render(flash(), 0x1000, 0xEA000, 0x239A00B3L);
        Uf2Patcher.Patched p = Uf2Patcher.patch(uf2, 0xEC000, new byte[0x8000]);
        assertEquals(0, p.bytesPatched(), "the settings partition is past the 0.6.1+ window");
        assertArrayEquals(uf2, p.uf2());
        Uf2Patcher.Patched half = Uf2Patcher.patch(uf2, 0xE9F00, new byte[0x200]);
        assertEquals(0x100, half.bytesPatched(), "only the part inside the window");
    }
}
