package dev.zmkagent.device.dfu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The legacy (dfu_ver 0.5) init packet: device type, device revision, application version, the SoftDevices the
 * image accepts, and the CRC-16 of the image. The Adafruit bootloader requires device type 0x0052 and a SoftDevice
 * list that contains 0xFFFE (any) or the installed SoftDevice's firmware ID.
 */
public record InitPacket(int deviceType, int deviceRevision, long appVersion, List<Integer> softDeviceReq, int firmwareCrc) {
    public static final int ADAFRUIT_DEVICE_TYPE = 0x0052;
    public static final int ANY_SOFTDEVICE = 0xFFFE;

    /** What zmk-agent sends for an application image. */
    public static InitPacket forApplication(byte[] image) {
        return new InitPacket(ADAFRUIT_DEVICE_TYPE, 0xFFFF, 0xFFFFFFFFL, List.of(ANY_SOFTDEVICE), Crc16.compute(image));
    }

    public InitPacket withDeviceType(int type) {
        return new InitPacket(type, deviceRevision, appVersion, softDeviceReq, firmwareCrc);
    }

    public InitPacket withFirmwareCrc(int crc) {
        return new InitPacket(deviceType, deviceRevision, appVersion, softDeviceReq, crc);
    }

    public InitPacket withSoftDeviceReq(List<Integer> req) {
        return new InitPacket(deviceType, deviceRevision, appVersion, List.copyOf(req), firmwareCrc);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(12 + 2 * softDeviceReq.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) deviceType).putShort((short) deviceRevision).putInt((int) appVersion)
                .putShort((short) softDeviceReq.size());
        for (int sd : softDeviceReq) {
            b.putShort((short) sd);
        }
        b.putShort((short) firmwareCrc);
        return b.array();
    }
}
