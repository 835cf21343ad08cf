package dev.zmkagent.device.sim;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.device.dfu.Crc16;
import dev.zmkagent.device.dfu.DfuPackets;
import dev.zmkagent.device.dfu.HciPacket;
import dev.zmkagent.device.dfu.InitPacket;
import dev.zmkagent.device.dfu.Slip;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Adafruit bootloader's serial DFU (SDK 11 HCI over SLIP), transport-free: {@link #receive} takes bytes from the
 * host and returns the bytes to send back. Packets failing the HCI checks (data integrity and reliable bits, type 14,
 * header checksum, CRC) are dropped without acknowledgement; an in-sequence packet is acknowledged (before it is
 * processed, as the bootloader does) and processed; an out-of-sequence one is discarded and the expected number
 * re-acknowledged. START erases the pages the image needs; INIT requires device type 0x0052 and a SoftDevice list
 * with 0xFFFE or the installed SoftDevice's ID, else the bootloader resets; STOP compares the image CRC with the init
 * packet's and, when equal, activates the application and leaves DFU (the port goes away).
 */
public final class SerialDfuBootloader {
    public enum State { WAITING, STARTED, INITIALISED, ACTIVATED, RESET, IMAGE_REJECTED }

    private final SimFlash flash;
    private final long appStart;
    private final long appEnd;
    private final int installedSoftDevice;
    private final Slip.Decoder decoder = new Slip.Decoder(1200);
    private final Set<Integer> dropAckOfPacket = ConcurrentHashMap.newKeySet();
    private final Set<Integer> losePacket = ConcurrentHashMap.newKeySet();
    private int expected = 1;
    private int packetsSeen;
    private State state = State.WAITING;
    private String stateReason = "";
    private long imageSize;
    private long received;
    private Optional<Integer> imageCrc = Optional.empty();
    private final List<String> log = new ArrayList<>();

    /**
     * @param appStart            where bank 0 starts (the SoftDevice's end: 0x26000 for S140 6.1.1)
     * @param appEnd              USER_FLASH_END (0xEA000 on 0.6.1 and later)
     * @param installedSoftDevice the SoftDevice firmware ID (S140 6.1.1 = 0x00B6, 7.3.0 = 0x0123)
     */
    public SerialDfuBootloader(SimFlash flash, long appStart, long appEnd, int installedSoftDevice) {
        this.flash = flash;
        this.appStart = appStart;
        this.appEnd = appEnd;
        this.installedSoftDevice = installedSoftDevice;
    }

    /** Acknowledges packet number {@code n} (0-based count of valid in-sequence packets seen) but loses the ack. */
    public void loseAckOf(int n) {
        dropAckOfPacket.add(n);
    }

    /** Loses the {@code n}-th frame on its way in (as if corrupted on the line): no ack, not processed. */
    public void losePacket(int n) {
        losePacket.add(n);
    }

    public synchronized State state() {
        return state;
    }

    public synchronized String stateReason() {
        return stateReason;
    }

    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    /** True once the bootloader has left DFU (activated or reset): the port disappears. */
    public synchronized boolean gone() {
        return state == State.ACTIVATED || state == State.RESET;
    }

    public synchronized byte[] receive(byte[] data, int offset, int length) {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        if (gone()) {
            return reply.toByteArray();
        }
        for (byte[] frame : decoder.feed(data, offset, length)) {
            int frameNo = packetsSeen++;
            if (losePacket.remove(frameNo)) {
                log.add("frame " + frameNo + " lost on the line");
                continue;
            }
            Optional<HciPacket> p = HciPacket.decode(frame);
            if (p.isEmpty() || !p.get().dataIntegrity() || !p.get().reliable() || p.get().type() != HciPacket.TYPE_VENDOR
                    || frame.length <= 4) {
                log.add("frame " + frameNo + " dropped: fails the HCI checks");
                continue;
            }
            HciPacket packet = p.get();
            if (packet.seq() != expected) {
                log.add("frame " + frameNo + " out of sequence (seq " + packet.seq() + ", expected " + expected + "): re-ack");
                reply.writeBytes(HciPacket.ackOf(expected).frame());
                continue;
            }
            expected = (expected + 1) & 7;
            if (dropAckOfPacket.remove(frameNo)) {
                log.add("frame " + frameNo + " processed, ack lost");
            } else {
                reply.writeBytes(HciPacket.ackOf(expected).frame());
            }
            process(packet.payload());
            if (gone()) {
                break;
            }
        }
        return reply.toByteArray();
    }

    private void process(byte[] payload) {
        ByteView v = ByteView.of(payload);
        if (!v.has(0, 4)) {
            return;
        }
        int type = (int) v.u32(0);
        switch (type) {
            case DfuPackets.START -> start(v);
            case DfuPackets.INIT -> init(v);
            case DfuPackets.DATA -> data(v);
            case DfuPackets.STOP -> stop();
            default -> log.add("unknown DFU packet type " + type);
        }
    }

    private void start(ByteView v) {
        if (!v.has(4, 16)) {
            reset("START packet too short");
            return;
        }
        long mode = v.u32(4) & 0xFF;
        long sd = v.u32(8);
        long bl = v.u32(12);
        long app = v.u32(16);
        if (mode != DfuPackets.MODE_APPLICATION || sd != 0 || bl != 0) {
            reset("START mode " + mode + " is not an application-only update (the simulator does SoftDevice/bootloader updates not)");
            return;
        }
        if (app % 4 != 0 || app == 0 || appStart + app > appEnd) {
            reset("START application size " + app + " is not a multiple of 4 or does not fit");
            return;
        }
        imageSize = app;
        received = 0;
        for (long a = appStart; a < appStart + app; a += SimFlash.PAGE) {
            flash.erasePage(a);
        }
        state = State.STARTED;
        log.add("START: erased " + ((app + SimFlash.PAGE - 1) / SimFlash.PAGE) + " pages for " + app + " bytes");
    }

    private void init(ByteView v) {
        if (state != State.STARTED) {
            reset("INIT before START");
            return;
        }
        // The init packet is read field by field; the two bytes of padding after it are never looked at.
        ByteView init = v.from(4);
        if (!init.has(0, 10)) {
            reset("INIT packet too short");
            return;
        }
        int deviceType = init.u16(0);
        if (deviceType != InitPacket.ADAFRUIT_DEVICE_TYPE) {
            reset(String.format("INIT device type 0x%04X is not 0x0052 (NRF_ERROR_FORBIDDEN)", deviceType));
            return;
        }
        int count = init.u16(8);
        if (!init.has(10, 2L * count + 2)) {
            reset("INIT SoftDevice list runs past the packet");
            return;
        }
        boolean sdOk = false;
        for (int i = 0; i < count; i++) {
            int sd = init.u16(10 + 2 * i);
            sdOk |= sd == InitPacket.ANY_SOFTDEVICE || sd == installedSoftDevice;
        }
        if (!sdOk) {
            reset(String.format("INIT SoftDevice requirement does not include 0xFFFE or the installed 0x%04X", installedSoftDevice));
            return;
        }
        imageCrc = Optional.of(init.u16(10 + 2 * count));
        state = State.INITIALISED;
        log.add(String.format("INIT: device type 0x0052, image CRC 0x%04X", imageCrc.get()));
    }

    private void data(ByteView v) {
        if (state != State.INITIALISED) {
            log.add("DATA ignored: not initialised");
            return;
        }
        int n = v.length() - 4;
        if (received + n > imageSize) {
            log.add("DATA beyond the announced size ignored");
            return;
        }
        flash.write(appStart + received, v.slice(4, n).toArray());
        received += n;
    }

    private void stop() {
        if (state != State.INITIALISED || received != imageSize) {
            state = State.IMAGE_REJECTED;
            stateReason = "STOP after " + received + " of " + imageSize + " bytes";
            log.add(stateReason);
            return;
        }
        byte[] image = flash.read(appStart, (int) imageSize);
        int crc = Crc16.compute(image);
        if (crc != imageCrc.orElse(-1)) {
            state = State.IMAGE_REJECTED;
            stateReason = String.format("image CRC 0x%04X does not match the init packet's 0x%04X: application not activated", crc, imageCrc.get());
            log.add(stateReason);
            return;
        }
        state = State.ACTIVATED;
        stateReason = "application activated";
        log.add("STOP: CRC ok, application activated");
    }

    private void reset(String why) {
        state = State.RESET;
        stateReason = why;
        log.add("reset: " + why);
    }
}
