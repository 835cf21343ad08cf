package dev.zmkagent.device.dfu;

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor): the HCI frame and firmware CRC. */
public final class Crc16 {
    private Crc16() {
    }

    public static int compute(byte[] data) {
        return update(0xFFFF, data, 0, data.length);
    }

    public static int update(int crc, byte[] data, int offset, int length) {
        int c = crc & 0xFFFF;
        for (int i = offset; i < offset + length; i++) {
            c ^= (data[i] & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x8000) != 0 ? ((c << 1) ^ 0x1021) & 0xFFFF : (c << 1) & 0xFFFF;
            }
        }
        return c;
    }
}
