package dev.zmkagent.device.dfu;

import dev.zmkagent.device.flash.ProgressListener;
import dev.zmkagent.device.serial.SerialLink;
import java.io.IOException;
import java.util.Optional;

/**
 * Host side of the Adafruit bootloader's serial DFU: START (application size), INIT (init packet), DATA in 512-byte
 * packets, STOP, each a reliable HCI packet in a SLIP frame. Unlike nrfutil we check every acknowledgement and resend
 * a packet whose acknowledgement does not come (the bootloader discards a repeated sequence number and re-acks it, so a
 * resend never writes twice). Afterwards the port must disappear: the bootloader only leaves DFU when the image CRC
 * matched.
 */
public final class SerialDfu {
    private final SerialLink link;
    private final DfuTiming timing;
    private final ProgressListener progress;
    private final Slip.Decoder decoder = new Slip.Decoder(64);
    private int seq;
    private int resends;

    public SerialDfu(SerialLink link, DfuTiming timing, ProgressListener progress) {
        this.link = link;
        this.timing = timing;
        this.progress = progress;
    }

    public record Result(int bytes, int packets, int resends) {
    }

    public Result flash(byte[] image) throws IOException {
        return flash(image, InitPacket.forApplication(image));
    }

    /** With an explicit init packet (tests use this to send what a wrong tool would). */
    public Result flash(byte[] image, InitPacket init) throws IOException {
        if (image.length == 0 || image.length % 4 != 0) {
            throw new DfuException("the application image must be a non-empty multiple of 4 bytes, not " + image.length);
        }
        int packets = 0;
        send(DfuPackets.start(DfuPackets.MODE_APPLICATION, 0, 0, image.length), "START");
        packets++;
        pause(timing.eraseWaitMillis(image.length));
        send(DfuPackets.init(init.encode()), "INIT");
        packets++;
        progress.start("Flashing over serial DFU", image.length);
        int frames = 0;
        for (int off = 0; off < image.length; off += DfuPackets.MAX_DATA) {
            int n = Math.min(DfuPackets.MAX_DATA, image.length - off);
            send(DfuPackets.data(image, off, n), "DATA at offset " + off);
            packets++;
            if (frames % 8 == 0) {
                pause(timing.pageWriteMillis());
            }
            frames++;
            progress.advance(off + n);
        }
        pause(timing.pageWriteMillis());
        progress.finish();
        send(DfuPackets.stop(), "STOP");
        packets++;
        pause(timing.activateWaitMillis());
        if (!waitUntilGone()) {
            throw new DfuException("the bootloader is still in DFU mode after STOP: it did not accept the image"
                    + " (the firmware CRC in the init packet did not match what it wrote)");
        }
        return new Result(image.length, packets, resends);
    }

    private void send(byte[] payload, String what) throws IOException {
        seq = (seq + 1) & 7;
        byte[] frame = HciPacket.data(seq, payload).frame();
        int want = (seq + 1) & 7;
        for (int attempt = 1; attempt <= timing.maxTries(); attempt++) {
            if (attempt > 1) {
                resends++;
            }
            link.write(frame);
            Optional<Integer> ack = awaitAck(want, what);
            if (ack.isPresent()) {
                return;
            }
        }
        throw new DfuException(String.format("no acknowledgement for %s (sequence %d) after %d tries: %s", what, seq, timing.maxTries(),
                what.equals("START") ? "is this the bootloader's serial port, in DFU mode?"
                        : "the bootloader stopped answering (it resets when it rejects a packet, e.g. a wrong device type"
                        + " or SoftDevice requirement in the init packet)"));
    }

    /** Waits for an acknowledgement naming {@code want} as the next expected sequence number. */
    private Optional<Integer> awaitAck(int want, String what) throws IOException {
        long deadline = System.nanoTime() + timing.ackTimeout().toNanos();
        byte[] buf = new byte[64];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return Optional.empty();
            }
            int n = link.read(buf, (int) Math.min(left, 200));
            if (n < 0) {
                throw new DfuException("the serial port went away while waiting for the acknowledgement of " + what
                        + ": the bootloader reset (it does so when it rejects a START or INIT packet: wrong device type,"
                        + " SoftDevice requirement or image size)");
            }
            for (byte[] f : decoder.feed(buf, 0, n)) {
                Optional<HciPacket> p = HciPacket.decode(f);
                if (p.isPresent() && p.get().ack() == want) {
                    return Optional.of(want);
                }
            }
        }
    }

    private boolean waitUntilGone() throws IOException {
        long deadline = System.nanoTime() + timing.leaveTimeout().toNanos();
        byte[] buf = new byte[64];
        while (System.nanoTime() < deadline) {
            if (!link.connected()) {
                return true;
            }
            if (link.read(buf, 100) < 0) {
                return true;
            }
        }
        return !link.connected();
    }

    private static void pause(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
