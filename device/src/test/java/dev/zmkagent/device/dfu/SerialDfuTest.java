package dev.zmkagent.device.dfu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.device.flash.ProgressListener;
import dev.zmkagent.device.serial.JSerialCommLink;
import dev.zmkagent.device.sim.PtySerialDfuBootloader;
import dev.zmkagent.device.sim.SerialDfuBootloader;
import dev.zmkagent.device.sim.SimFlash;
import dev.zmkagent.device.sim.TestFirmware;
import dev.zmkagent.device.uf2.Uf2File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Serial DFU over a real pty with jSerialComm on the host side and the bootloader simulator on the other. */
class SerialDfuTest {
    private static final long APP = 0x26000;

    @Test
    void crcIsCcittFalse() {
        assertEquals(0x29B1, Crc16.compute("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void ackFrameMatchesTheBootloaderBytes() {
        assertEquals("c0100000f0c0", HexFormat.of().formatHex(HciPacket.ackOf(2).frame()));
        HciPacket p = HciPacket.decode(new byte[] {0x10, 0, 0, (byte) 0xF0}).orElseThrow();
        assertEquals(2, p.ack());
    }

    @Test
    void slipAndHciRoundTripWithEscapesAndRejectCorruption() {
        byte[] payload = {(byte) 0xC0, (byte) 0xDB, 1, 2, (byte) 0xC0};
        byte[] frame = HciPacket.data(3, payload).frame();
        List<byte[]> frames = new Slip.Decoder(100).feed(frame, 0, frame.length);
        assertEquals(1, frames.size());
        HciPacket back = HciPacket.decode(frames.get(0)).orElseThrow();
        assertEquals(3, back.seq());
        assertEquals(4, back.ack());
        assertTrue(back.reliable() && back.dataIntegrity());
        assertArrayEquals(payload, back.payload());
        byte[] body = frames.get(0);
        body[5] ^= 1;
        assertTrue(HciPacket.decode(body).isEmpty(), "a CRC error drops the packet");
    }

    @Test
    void initPacketLayoutIsTheLegacyDat() {
        byte[] dat = new InitPacket(0x52, 0xFFFF, 0xFFFFFFFFL, List.of(0xFFFE), 0x1234).encode();
        assertEquals("5200ffffffffffff0100feff3412", HexFormat.of().formatHex(dat));
    }

    @Test
    void dfuImageComesFromTheSameUf2() {
        TestFirmware fw = TestFirmware.code(APP, 0x1000, TestFirmware.NICE_NANO_FAMILY, 3).block(2, b -> b.address = APP + 0x1000);
        DfuImage img = DfuImage.fromUf2(Uf2File.parse(ByteView.of(fw.uf2())), Set.of(TestFirmware.NICE_NANO_FAMILY), APP, 0xEA000);
        assertEquals(0x1100, img.bytes().length);
        assertEquals((byte) 0xFF, img.bytes()[0x200], "the gap reads as erased");
    }

    private static SerialDfuBootloader bootloader(SimFlash flash) {
        return new SerialDfuBootloader(flash, APP, 0xEA000, 0x00B6);
    }

    private static byte[] image(int size) {
        return TestFirmware.code(APP, size, TestFirmware.NICE_NANO_FAMILY, 11).code();
    }

    @Test
    void flashesOverAPtyByteForByte() throws Exception {
        assumeTrue(PtySerialDfuBootloader.available(), "no openpty here");
        SimFlash flash = new SimFlash();
        byte[] img = image(0x5300);
        try (PtySerialDfuBootloader pty = PtySerialDfuBootloader.start(bootloader(flash));
             JSerialCommLink link = JSerialCommLink.open(pty.path())) {
            SerialDfu.Result r = new SerialDfu(link, DfuTiming.simulator(), ProgressListener.NONE).flash(img);
            assertEquals(img.length, r.bytes());
            assertEquals(0, r.resends());
            assertEquals(SerialDfuBootloader.State.ACTIVATED, pty.bootloader().state());
            assertArrayEquals(img, flash.read(APP, img.length));
            assertTrue(!Files.exists(Path.of(pty.path())) || !link.connected(), "the port goes away after activation");
        }
    }

    @Test
    void aLostAckIsResentAndTheRepeatIsNotWrittenTwice() throws Exception {
        assumeTrue(PtySerialDfuBootloader.available(), "no openpty here");
        SimFlash flash = new SimFlash();
        byte[] img = image(0x2000);
        SerialDfuBootloader bl = bootloader(flash);
        bl.loseAckOf(4); // a DATA packet: processed, but its ack never arrives
        bl.losePacket(7); // another one lost on the way in
        try (PtySerialDfuBootloader pty = PtySerialDfuBootloader.start(bl); JSerialCommLink link = JSerialCommLink.open(pty.path())) {
            SerialDfu.Result r = new SerialDfu(link, DfuTiming.simulator(), ProgressListener.NONE).flash(img);
            assertEquals(2, r.resends());
            assertEquals(SerialDfuBootloader.State.ACTIVATED, bl.state(), bl.log().toString());
            assertArrayEquals(img, flash.read(APP, img.length));
            assertTrue(bl.log().stream().anyMatch(l -> l.contains("out of sequence")), bl.log().toString());
        }
    }

    @Test
    void aWrongDeviceTypeResetsTheBootloaderAndFailsClearly() throws Exception {
        assumeTrue(PtySerialDfuBootloader.available(), "no openpty here");
        byte[] img = image(0x1000);
        SerialDfuBootloader bl = bootloader(new SimFlash());
        try (PtySerialDfuBootloader pty = PtySerialDfuBootloader.start(bl); JSerialCommLink link = JSerialCommLink.open(pty.path())) {
            DfuException e = assertThrows(DfuException.class, () -> new SerialDfu(link, DfuTiming.simulator(), ProgressListener.NONE)
                    .flash(img, InitPacket.forApplication(img).withDeviceType(0xFFFF)));
            assertEquals(SerialDfuBootloader.State.RESET, bl.state());
            assertTrue(bl.stateReason().contains("device type 0xFFFF"), bl.stateReason());
            assertTrue(e.getMessage().contains("device type"), e.getMessage());
        }
    }

    @Test
    void aSoftDeviceRequirementThatDoesNotMatchResets() throws Exception {
        assumeTrue(PtySerialDfuBootloader.available(), "no openpty here");
        byte[] img = image(0x1000);
        SerialDfuBootloader bl = bootloader(new SimFlash());
        try (PtySerialDfuBootloader pty = PtySerialDfuBootloader.start(bl); JSerialCommLink link = JSerialCommLink.open(pty.path())) {
            assertThrows(DfuException.class, () -> new SerialDfu(link, DfuTiming.simulator(), ProgressListener.NONE)
                    .flash(img, InitPacket.forApplication(img).withSoftDeviceReq(List.of(0x0123))));
            assertEquals(SerialDfuBootloader.State.RESET, bl.state());
        }
    }

    @Test
    void aCrcMismatchLeavesTheBootloaderInDfuAndIsReported() throws Exception {
        assumeTrue(PtySerialDfuBootloader.available(), "no openpty here");
        byte[] img = image(0x1000);
        SerialDfuBootloader bl = bootloader(new SimFlash());
        try (PtySerialDfuBootloader pty = PtySerialDfuBootloader.start(bl); JSerialCommLink link = JSerialCommLink.open(pty.path())) {
            int wrong = Crc16.compute(img) ^ 0x5555;
            DfuException e = assertThrows(DfuException.class, () -> new SerialDfu(link, DfuTiming.simulator(), ProgressListener.NONE)
                    .flash(img, InitPacket.forApplication(img).withFirmwareCrc(wrong)));
            assertEquals(SerialDfuBootloader.State.IMAGE_REJECTED, bl.state());
            assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        }
    }

    @Test
    void silenceOnTheLineIsNotMistakenForABootloader() throws Exception {
        assumeTrue(PtySerialDfuBootloader.available(), "no openpty here");
        SerialDfuBootloader bl = bootloader(new SimFlash());
        for (int i = 0; i < 10; i++) {
            bl.losePacket(i);
        }
        try (PtySerialDfuBootloader pty = PtySerialDfuBootloader.start(bl); JSerialCommLink link = JSerialCommLink.open(pty.path())) {
            DfuException e = assertThrows(DfuException.class, () -> new SerialDfu(link, DfuTiming.simulator(), ProgressListener.NONE).flash(image(0x400)));
            assertTrue(e.getMessage().contains("no acknowledgement for START"), e.getMessage());
        }
    }
}
