package dev.zmkagent.device.dfu;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** SLIP framing as the bootloader's HCI transport uses it: 0xC0 ends a frame, 0xDB escapes 0xC0 (DB DC) and 0xDB (DB DD). */
public final class Slip {
    public static final int END = 0xC0;
    public static final int ESC = 0xDB;
    public static final int ESC_END = 0xDC;
    public static final int ESC_ESC = 0xDD;

    private Slip() {
    }

    /** {@code C0 escaped(body) C0}. */
    public static byte[] frame(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 8);
        out.write(END);
        for (byte x : body) {
            int b = x & 0xFF;
            if (b == END) {
                out.write(ESC);
                out.write(ESC_END);
            } else if (b == ESC) {
                out.write(ESC);
                out.write(ESC_ESC);
            } else {
                out.write(b);
            }
        }
        out.write(END);
        return out.toByteArray();
    }

    /**
     * Collects bytes from a stream and hands out whole decoded frames. Empty frames (back-to-back 0xC0) are skipped;
     * a frame with a bad escape is dropped, as the bootloader drops it. A frame longer than {@code maxFrame} is dropped
     * too, so garbage on the line never grows the buffer without bound.
     */
    public static final class Decoder {
        private final int maxFrame;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        private boolean escaped;
        private boolean broken;
        private boolean inFrame;

        public Decoder(int maxFrame) {
            this.maxFrame = maxFrame;
        }

        public List<byte[]> feed(byte[] data, int offset, int length) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = offset; i < offset + length; i++) {
                int b = data[i] & 0xFF;
                if (b == END) {
                    if (inFrame && current.size() > 0 && !broken) {
                        frames.add(current.toByteArray());
                    }
                    current.reset();
                    escaped = false;
                    broken = false;
                    inFrame = true;
                    continue;
                }
                if (!inFrame) {
                    continue; // bytes before the first 0xC0 are line noise
                }
                if (escaped) {
                    escaped = false;
                    if (b == ESC_END) {
                        b = END;
                    } else if (b == ESC_ESC) {
                        b = ESC;
                    } else {
                        broken = true;
                    }
                } else if (b == ESC) {
                    escaped = true;
                    continue;
                }
                if (current.size() >= maxFrame) {
                    broken = true;
                } else {
                    current.write(b);
                }
            }
            return frames;
        }
    }
}
