package dev.zmkagent.device.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bootloader's acceptance rules for written sectors, one by one. */
class Uf2WriteHandlerTest {
    private final SimFlash flash = new SimFlash();
    private final Uf2WriteHandler h = new Uf2WriteHandler(flash, TestFirmware.NICE_NANO_FAMILY, 0xEA000);

    private Uf2WriteHandler.Result feed(TestFirmware fw, int block) {
        byte[] uf2 = fw.uf2();
        return h.write(ByteView.of(uf2).slice(block * 512L, 512));
    }

    @Test
    void completesOnTheLastDistinctBlockAndWritesEveryPayload() {
        TestFirmware fw = TestFirmware.code(0x26000, 0x800, TestFirmware.NICE_NANO_FAMILY, 7);
        for (int i = 0; i < 7; i++) {
            assertEquals(Uf2WriteHandler.Result.WRITTEN, feed(fw, i));
        }
        assertEquals(Uf2WriteHandler.Result.WRITTEN, feed(fw, 3), "a repeated block is written but not counted again");
        assertFalse(h.complete());
        assertEquals(Uf2WriteHandler.Result.COMPLETE, feed(fw, 7));
        assertArrayEquals(fw.code(), flash.read(0x26000, 0x800));
    }

    @Test
    void ignoresForeignFamiliesOddPayloadsUnalignedAndNoFlagBlocks() {
        assertEquals(Uf2WriteHandler.Result.IGNORED, feed(TestFirmware.code(0x26000, 256, TestFirmware.XIAO_FAMILY, 1), 0));
        assertEquals(Uf2WriteHandler.Result.IGNORED, feed(TestFirmware.code(0x26000, 256, TestFirmware.NICE_NANO_FAMILY, 1).each(b -> b.payloadSize = 476), 0));
        assertEquals(Uf2WriteHandler.Result.IGNORED, feed(TestFirmware.code(0x26000, 256, TestFirmware.NICE_NANO_FAMILY, 1).each(b -> b.address = 0x26010), 0));
        assertEquals(Uf2WriteHandler.Result.IGNORED, feed(TestFirmware.code(0x26000, 256, TestFirmware.NICE_NANO_FAMILY, 1).each(b -> b.flags = 0), 0));
        assertEquals(Uf2WriteHandler.Result.IGNORED, feed(TestFirmware.code(0x26000, 256, TestFirmware.NICE_NANO_FAMILY, 1).each(b -> b.flags |= 1), 0));
        byte[] fat = new byte[512];
        Arrays.fill(fat, (byte) 0xF8);
        assertEquals(Uf2WriteHandler.Result.IGNORED, h.write(ByteView.of(fat)));
        assertEquals(0, h.blocksCounted());
        assertArrayEquals(new SimFlash().snapshot(), flash.snapshot());
    }

    @Test
    void genericFamilyIsAnApplicationToo() {
        assertEquals(Uf2WriteHandler.Result.COMPLETE, feed(TestFirmware.code(0x26000, 256, Uf2WriteHandler.FAMILY_NRF52840, 1), 0));
    }

    @Test
    void belowTheWindowIsCountedButNotWrittenAboveItIsDropped() {
        TestFirmware fw = TestFirmware.code(0x0, 0x200, TestFirmware.NICE_NANO_FAMILY, 1);
        assertEquals(Uf2WriteHandler.Result.SKIPPED_COUNTED, feed(fw, 0));
        assertEquals(1, h.blocksCounted());
        TestFirmware high = TestFirmware.code(0xEA000, 256, TestFirmware.NICE_NANO_FAMILY, 1).each(b -> { b.blockNo = 1; b.numBlocks = 2; });
        assertEquals(Uf2WriteHandler.Result.IGNORED, feed(high, 0));
        assertEquals(1, h.blocksCounted());
    }

    @Test
    void aChangedBlockCountNeverCompletes() {
        TestFirmware fw = TestFirmware.code(0x26000, 0x200, TestFirmware.NICE_NANO_FAMILY, 1).block(1, b -> b.numBlocks = 3);
        feed(fw, 0);
        assertEquals(Uf2WriteHandler.Result.WRITTEN, feed(fw, 1));
        assertFalse(h.complete());
        assertTrue(h.blocksCounted() == 2);
    }
}
