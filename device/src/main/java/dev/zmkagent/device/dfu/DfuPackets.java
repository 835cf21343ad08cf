package dev.zmkagent.device.dfu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The DFU payloads inside HCI packets (u32 little-endian packet type, then the body): START (3) with mode and image
 * sizes, INIT (1) with the init packet and two bytes of padding, DATA (4) with at most 512 image bytes, STOP (5).
 */
public final class DfuPackets {
    public static final int INIT = 1;
    public static final int START = 3;
    public static final int DATA = 4;
    public static final int STOP = 5;
    /** START mode bits: SoftDevice 1, bootloader 2, application 4. */
    public static final int MODE_APPLICATION = 4;
    public static final int MAX_DATA = 512;

    private DfuPackets() {
    }

    public static byte[] start(int mode, long sdSize, long blSize, long appSize) {
        return ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(START).putInt(mode).putInt((int) sdSize).putInt((int) blSize).putInt((int) appSize).array();
    }

    public static byte[] init(byte[] initPacket) {
        return ByteBuffer.allocate(4 + initPacket.length + 2).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(INIT).put(initPacket).putShort((short) 0).array();
    }

    public static byte[] data(byte[] image, int offset, int length) {
        return ByteBuffer.allocate(4 + length).order(ByteOrder.LITTLE_ENDIAN).putInt(DATA).put(image, offset, length).array();
    }

    public static byte[] stop() {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(STOP).array();
    }
}
