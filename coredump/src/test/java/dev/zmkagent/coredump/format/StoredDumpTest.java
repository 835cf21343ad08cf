package dev.zmkagent.coredump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class StoredDumpTest {
    private static final byte[] STREAM = DumpBuilder.stream(2, 25).archV2(1, 2, 3, 4, 5, 6, 0x26100, 0x01000000, 0x20001000)
            .memory(0x20000000L, DumpBuilder.filled(256, 0x11)).build();

    private static StoredDump read(byte[] p) {
        return StoredDump.read(ByteView.of(p));
    }

    @Test
    void validPartitionHasMatchingChecksum() {
        StoredDump s = read(DumpBuilder.partition(STREAM));
        assertEquals(FlashHeader.State.VALID, s.headerState());
        assertTrue(s.checksumOk().orElseThrow());
        assertTrue(s.valid());
        assertEquals(STREAM.length, s.header().orElseThrow().size());
        assertEquals(25, s.dump().orElseThrow().reason());
    }

    @Test
    void checksumIsTheSixteenBitByteSum() {
        int sum = 0;
        for (byte b : STREAM) {
            sum += b & 0xFF;
        }
        assertEquals(sum & 0xFFFF, FlashHeader.sum16(ByteView.of(STREAM)));
        StoredDump wrong = read(DumpBuilder.partition(STREAM, STREAM.length, (sum + 1) & 0xFFFF, 0, 0x10000));
        assertFalse(wrong.checksumOk().orElseThrow());
        assertFalse(wrong.valid());
        assertTrue(wrong.dump().isPresent(), "a checksum mismatch still gets analyzed");
    }

    @Test
    void erasedPartitionHasNoDump() {
        StoredDump s = read(DumpBuilder.filled(0x10000, 0xFF));
        assertEquals(FlashHeader.State.ERASED, s.headerState());
        assertFalse(s.present());
        assertFalse(s.interrupted());
    }

    @Test
    void erasedHeaderWithStreamIsAnInterruptedDump() {
        byte[] p = DumpBuilder.partition(STREAM);
        for (int i = 0; i < 16; i++) {
            p[i] = (byte) 0xFF;
        }
        StoredDump s = read(p);
        assertTrue(s.interrupted());
        assertEquals(25, s.dump().orElseThrow().reason());
        assertEquals(256, s.dump().get().memory().get(0).data().length());
    }

    @Test
    void bothIdBytesAreRequired() {
        byte[] p = DumpBuilder.partition(STREAM);
        p[1] = 'X';
        assertEquals(FlashHeader.State.NOT_A_HEADER, read(p).headerState());
        p = DumpBuilder.partition(STREAM);
        p[0] = 'X';
        assertEquals(FlashHeader.State.NOT_A_HEADER, read(p).headerState());
    }

    @Test
    void headerVersionMustBeOne() {
        byte[] p = DumpBuilder.partition(STREAM);
        p[2] = 2;
        assertEquals(FlashHeader.State.BAD_VERSION, read(p).headerState());
    }

    @Test
    void aDeviceErrorInTheHeaderStillShowsTheCrashStreamBehindIt() {
        StoredDump s = read(DumpBuilder.partition(STREAM, STREAM.length, -1, -28, 0x10000));
        assertEquals(FlashHeader.State.DEVICE_ERROR, s.headerState());
        assertEquals(-28, s.header().orElseThrow().error());
        assertTrue(s.present(), "the stream written before the error is a crash all the same");
        assertFalse(s.valid());
        byte[] noStream = DumpBuilder.partition(STREAM, STREAM.length, -1, -28, 0x10000);
        java.util.Arrays.fill(noStream, FlashHeader.STREAM_OFFSET, noStream.length, (byte) 0xFF);
        assertFalse(read(noStream).present(), "a header with an error and nothing behind it holds no dump");
    }

    @Test
    void sizeMustFitThePartition() {
        byte[] p = DumpBuilder.partition(STREAM);
        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0x10000 - 15);
        assertEquals(FlashHeader.State.SIZE_OUT_OF_RANGE, read(p).headerState());
        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0);
        assertEquals(FlashHeader.State.SIZE_OUT_OF_RANGE, read(p).headerState());
        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0x10000 - 16);
        assertEquals(FlashHeader.State.VALID, read(p).headerState());
    }

    @Test
    void truncatedDumpLikeZephyrWritesIt() {
        // LINKER_RAM larger than the partition: Zephyr stores what fits, records that size, and the checksum
        // covers a chunk that was dropped, so it normally mismatches.
        byte[] ram = new byte[80_000];
        for (int i = 0; i < ram.length; i++) {
            ram[i] = (byte) (i * 7);
        }
        byte[] stream = DumpBuilder.stream(2, 25).archV2(0, 0, 0, 0, 0, 0, 0x26100, 0x01000000, 0x2000fff0).memory(0x20000000L, ram).build();
        int fits = 0x10000 - 16 - (0x10000 - 16) % 64;
        int summedExtra = 0;
        for (int i = fits; i < fits + 64; i++) {
            summedExtra += stream[i] & 0xFF;
        }
        int sum = FlashHeader.sum16(ByteView.of(stream).slice(0, fits)) + summedExtra;
        StoredDump s = read(DumpBuilder.partition(stream, fits, sum & 0xFFFF, 0, 0x10000));
        assertFalse(s.checksumOk().orElseThrow());
        ZephyrDump d = s.dump().orElseThrow();
        assertTrue(d.truncated());
        assertEquals(fits - 12 - 73 - 11, d.memory().get(0).data().length());
    }
}
