package dev.zmkagent.device.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@link SerialLink} over jSerialComm: 115200 8N1, no flow control (the bootloader's CDC ignores the baud rate). */
public final class JSerialCommLink implements SerialLink {
    private final SerialPort port;
    private final String path;

    private JSerialCommLink(SerialPort port, String path) {
        this.port = port;
        this.path = path;
    }

    public static JSerialCommLink open(String path) throws IOException {
        SerialPort p;
        try {
            p = SerialPort.getCommPort(path);
        } catch (RuntimeException e) {
            throw new IOException("no serial port " + path + ": " + e.getMessage());
        }
        p.setComPortParameters(115200, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!p.openPort()) {
            if (Files.exists(Path.of(path)) && !Files.isWritable(Path.of(path))) {
                throw new IOException("permission denied on " + path + ": install the udev rule (udev-rules/70-zmk-agent.rules)"
                        + " or add yourself to the dialout group");
            }
            throw new IOException("cannot open serial port " + path + " (error " + p.getLastErrorCode() + ")");
        }
        return new JSerialCommLink(p, path);
    }

    @Override
    public void write(byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            int n = port.writeBytes(data, data.length - off, off);
            if (n < 0) {
                throw new IOException("serial port " + path + " went away while writing");
            }
            off += n;
        }
    }

    @Override
    public int read(byte[] buffer, int timeoutMillis) throws IOException {
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, Math.max(1, timeoutMillis), 0);
        int n = port.readBytes(buffer, buffer.length);
        if (n < 0) {
            return connected() ? 0 : -1;
        }
        return n;
    }

    @Override
    public boolean connected() {
        return Files.exists(Path.of(path)) && port.bytesAvailable() >= 0;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
