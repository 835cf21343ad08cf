package dev.zmkagent.device.serial;

import java.util.List;

/** Lists serial ports: jSerialComm on a real machine, a fixed list in tests (ptys are not enumerated by the OS). */
public interface SerialPortSource {
    List<SerialPortInfo> list();

    static SerialPortSource fixed(List<SerialPortInfo> ports) {
        List<SerialPortInfo> copy = List.copyOf(ports);
        return () -> copy;
    }
}
