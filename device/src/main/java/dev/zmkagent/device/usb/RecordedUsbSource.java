package dev.zmkagent.device.usb;

import dev.zmkagent.device.boards.Board;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Replays recorded descriptors; devices can be plugged and unplugged to drive hotplug tests. */
public final class RecordedUsbSource implements UsbSource {
    private final List<UsbDevice> devices = new CopyOnWriteArrayList<>();
    private volatile UsbScan.Status status = UsbScan.Status.OK;
    private volatile String message = "";

    public RecordedUsbSource(List<UsbDevice> devices) {
        this.devices.addAll(devices);
    }

    public void plug(UsbDevice d) {
        devices.add(d);
    }

    public void unplug(UsbDevice d) {
        devices.remove(d);
    }

    /** Makes every later scan fail like an unreachable bus or a missing permission. */
    public void fail(UsbScan.Status s, String why) {
        status = s;
        message = why;
    }

    @Override
    public UsbScan scan(Set<Board.UsbId> wanted) {
        if (status != UsbScan.Status.OK) {
            return UsbScan.failed(status, message);
        }
        List<UsbDevice> out = new ArrayList<>();
        for (UsbDevice d : devices) {
            if (wanted.isEmpty() || wanted.contains(d.id())) {
                out.add(d);
            }
        }
        return UsbScan.ok(out);
    }

    @Override
    public String name() {
        return "recorded";
    }
}
