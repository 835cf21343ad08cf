package dev.zmkagent.device.dfu;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * What a serial bootloader (or line noise) sends back during DFU: SLIP framing, cut into chunks wherever the fuzzer's
 * first byte says, then each frame decoded as an HCI packet. Nothing may throw, and no frame may grow past the
 * decoder's limit.
 */
class DfuFuzzTest {
    private static final int MAX_FRAME = 2 * HciPacket.MAX_PAYLOAD + 16;

    @FuzzTest
    void slipAndHci(byte[] data) {
        Slip.Decoder decoder = new Slip.Decoder(MAX_FRAME);
        int chunk = data.length == 0 ? 1 : 1 + (data[0] & 0x1F);
        for (int off = 0; off < data.length; off += chunk) {
            for (byte[] frame : decoder.feed(data, off, Math.min(chunk, data.length - off))) {
                if (frame.length > MAX_FRAME) {
                    throw new IllegalStateException("a frame of " + frame.length + " bytes passed the " + MAX_FRAME + "-byte limit");
                }
                HciPacket.decode(frame);
            }
        }
    }
}
