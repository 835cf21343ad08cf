package dev.zmkagent.coredump.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketReaderTest {
    private static List<PacketReader.Event> read(int max, byte[] in) {
        List<PacketReader.Event> events = new ArrayList<>();
        new PacketReader(max).feed(in, 0, in.length, events::add);
        return events;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void escapedBytesAreDecodedAndTheChecksumCoversTheEscapes() {
        // "}\x03" is '#', "}\x5d" is '}': binary data gdb sends in X packets.
        byte[] raw = bytes("X0,2:}\u0003}\u005d");
        int sum = 0;
        for (byte b : raw) {
            sum += b & 0xFF;
        }
        List<PacketReader.Event> ev = read(100, bytes("$" + new String(raw, StandardCharsets.ISO_8859_1) + "#" + String.format("%02x", sum & 0xFF)));
        PacketReader.Event.Packet p = assertInstanceOf(PacketReader.Event.Packet.class, ev.get(0));
        assertTrue(p.checksumOk());
        assertEquals("X0,2:#}", new String(p.payload(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void framingEscapesTheReservedBytesSoAnyPayloadRoundTrips() {
        byte[] payload = new byte[256];
        for (int i = 0; i < 256; i++) {
            payload[i] = (byte) i;
        }
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        Rsp.frame(payload, framed);
        List<PacketReader.Event> ev = read(1000, framed.toByteArray());
        PacketReader.Event.Packet p = assertInstanceOf(PacketReader.Event.Packet.class, ev.get(0));
        assertTrue(p.checksumOk());
        assertEquals(new String(payload, StandardCharsets.ISO_8859_1), new String(p.payload(), StandardCharsets.ISO_8859_1));
        assertEquals("$a}\u0004b}\u0003}]}\n#", new String(Rsp.frame("a$b#}*"), StandardCharsets.ISO_8859_1).substring(0, 12));
    }

    @Test
    void acksNaksInterruptsAndNonHexChecksums() {
        List<PacketReader.Event> ev = read(100, bytes("+-\u0003$g#6g"));
        assertInstanceOf(PacketReader.Event.Ack.class, ev.get(0));
        assertInstanceOf(PacketReader.Event.Nak.class, ev.get(1));
        assertInstanceOf(PacketReader.Event.Interrupt.class, ev.get(2));
        assertEquals(false, assertInstanceOf(PacketReader.Event.Packet.class, ev.get(3)).checksumOk());
    }

    @Test
    void aPacketOverTheLimitIsReportedWithoutItsData() {
        List<PacketReader.Event> ev = read(4, bytes("$abcde#ef$abcd#8a"));
        PacketReader.Event.Oversized o = assertInstanceOf(PacketReader.Event.Oversized.class, ev.get(0));
        assertEquals(5, o.length());
        assertTrue(o.checksumOk());
        assertEquals("abcd", new String(assertInstanceOf(PacketReader.Event.Packet.class, ev.get(1)).payload(), StandardCharsets.ISO_8859_1));
    }
}
