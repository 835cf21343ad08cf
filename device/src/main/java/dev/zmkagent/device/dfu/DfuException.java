package dev.zmkagent.device.dfu;

import java.io.IOException;

/** Serial DFU failed; the message says at which step and what the bootloader most likely did. */
public final class DfuException extends IOException {
    public DfuException(String message) {
        super(message);
    }
}
