package dev.zmkagent.device.dfu;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.Arrays;
import java.util.Optional;

/**
 * The SDK 11 HCI packet carried in each SLIP frame: a 4-byte header (bits 0-2 sequence, 3-5 acknowledge number,
 * 6 data integrity, 7 reliable; packet type in the low nibble of byte 1 and a 12-bit payload length; byte 3 makes the
 * four bytes sum to 0 mod 256), the payload, and for data-integrity packets a CRC-16 (little-endian) over header and
 * payload. Data packets are type 14 (vendor specific); acknowledgements are bare headers with type 0.
 */
public record HciPacket(int seq, int ack, boolean dataIntegrity, boolean reliable, int type, byte[] payload) {
    public static final int TYPE_ACK = 0;
    public static final int TYPE_VENDOR = 14;
    public static final int MAX_PAYLOAD = 0xFFF;

    /** A reliable vendor packet with sequence {@code seq}; its ack field is seq+1, as nrfutil sends it. */
    public static HciPacket data(int seq, byte[] payload) {
        return new HciPacket(seq & 7, (seq + 1) & 7, true, true, TYPE_VENDOR, payload);
    }

    /** The bootloader's acknowledgement: next expected sequence number, unreliable, no payload, no CRC. */
    public static HciPacket ackOf(int expected) {
        return new HciPacket(0, expected & 7, false, false, TYPE_ACK, new byte[0]);
    }

    public byte[] encode() {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("HCI payload of " + payload.length + " bytes exceeds the 12-bit length field");
        }
        byte[] out = new byte[4 + payload.length + (dataIntegrity ? 2 : 0)];
        int b0 = (seq & 7) | (ack & 7) << 3 | (dataIntegrity ? 1 << 6 : 0) | (reliable ? 1 << 7 : 0);
        int b1 = (type & 0xF) | (payload.length & 0xF) << 4;
        int b2 = (payload.length >> 4) & 0xFF;
        int b3 = (-(b0 + b1 + b2)) & 0xFF;
        out[0] = (byte) b0;
        out[1] = (byte) b1;
        out[2] = (byte) b2;
        out[3] = (byte) b3;
        System.arraycopy(payload, 0, out, 4, payload.length);
        if (dataIntegrity) {
            int crc = Crc16.update(0xFFFF, out, 0, 4 + payload.length);
            out[4 + payload.length] = (byte) crc;
            out[5 + payload.length] = (byte) (crc >> 8);
        }
        return out;
    }

    /** The SLIP frame on the wire. */
    public byte[] frame() {
        return Slip.frame(encode());
    }

    /**
     * Decodes a frame body. Empty when the header checksum or the CRC is wrong (the receiver drops such packets without
     * an acknowledgement). With data integrity, the payload is everything between header and CRC: the bootloader does
     * not check the header's length field, and neither do we.
     */
    public static Optional<HciPacket> decode(byte[] body) {
        ByteView v = ByteView.of(body);
        if (!v.has(0, 4)) {
            return Optional.empty();
        }
        int b0 = v.u8(0);
        int b1 = v.u8(1);
        int b2 = v.u8(2);
        int b3 = v.u8(3);
        if (((b0 + b1 + b2 + b3) & 0xFF) != 0) {
            return Optional.empty();
        }
        boolean di = (b0 & 0x40) != 0;
        byte[] payload;
        if (di) {
            if (body.length < 6) {
                return Optional.empty();
            }
            int crc = v.u16(body.length - 2);
            if (Crc16.update(0xFFFF, body, 0, body.length - 2) != crc) {
                return Optional.empty();
            }
            payload = Arrays.copyOfRange(body, 4, body.length - 2);
        } else {
            payload = Arrays.copyOfRange(body, 4, body.length);
        }
        return Optional.of(new HciPacket(b0 & 7, (b0 >> 3) & 7, di, (b0 & 0x80) != 0, b1 & 0xF, payload));
    }
}
