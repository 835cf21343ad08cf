package dev.zmkagent.device.serial;

import com.fazecast.jSerialComm.SerialPort;
import dev.zmkagent.device.boards.Board;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Serial ports as jSerialComm enumerates them, with USB VID/PID, serial number and interface name when known. */
public final class JSerialCommPorts implements SerialPortSource {
    @Override
    public List<SerialPortInfo> list() {
        List<SerialPortInfo> out = new ArrayList<>();
        SerialPort[] ports;
        try {
            ports = SerialPort.getCommPorts();
        } catch (LinkageError | RuntimeException e) {
            return out;
        }
        for (SerialPort p : ports) {
            int vid = p.getVendorID();
            int pid = p.getProductID();
            Optional<Board.UsbId> usb = vid > 0 && pid >= 0 ? Optional.of(new Board.UsbId(vid, pid)) : Optional.empty();
            out.add(new SerialPortInfo(p.getSystemPortPath(), p.getDescriptivePortName(), usb, blank(p.getSerialNumber()),
                    blank(p.getPortDescription()), blank(p.getPortLocation())));
        }
        return out;
    }

    private static Optional<String> blank(String s) {
        return s == null || s.isBlank() || s.equalsIgnoreCase("Unknown") ? Optional.empty() : Optional.of(s.trim());
    }
}
