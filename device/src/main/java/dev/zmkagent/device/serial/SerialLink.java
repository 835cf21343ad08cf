package dev.zmkagent.device.serial;

import java.io.IOException;

/** A byte pipe to a serial device, with read timeouts; what serial DFU needs and nothing more. */
public interface SerialLink extends AutoCloseable {
    void write(byte[] data) throws IOException;

    /** Reads what is available, waiting at most {@code timeoutMillis} for the first byte; 0 on timeout, -1 when gone. */
    int read(byte[] buffer, int timeoutMillis) throws IOException;

    /** True while the port still exists (a USB CDC port disappears when the device resets). */
    boolean connected();

    @Override
    void close();
}
