package dev.zmkagent.coredump.gdb;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits the bytes gdb sends into RSP events: packets {@code $data#xx} (with {@code }}-escapes undone), acks, naks
 * and interrupts (0x03). Anything else between packets is skipped. Incremental: bytes may arrive in any chunks.
 *
 * <p>Never buffers more than {@code maxPayload} bytes: a longer packet is read to its end, counted, and reported as
 * {@link Event.Oversized} without its data. Run-length encoding is not decoded (gdb never sends it).
 */
public final class PacketReader {
    /** What the reader found in the byte stream. */
    public sealed interface Event {
        /** A whole packet; {@code checksumOk} false means the two digits after '#' did not match (or were not hex). */
        record Packet(byte[] payload, boolean checksumOk) implements Event {
        }

        /** A packet longer than the limit, skipped; its data is gone. */
        record Oversized(long length, boolean checksumOk) implements Event {
        }

        record Ack() implements Event {
        }

        record Nak() implements Event {
        }

        record Interrupt() implements Event {
        }
    }

    private enum State { IDLE, DATA, CHECK1, CHECK2 }

    private final int maxPayload;
    private State state = State.IDLE;
    private byte[] buf = new byte[256];
    private int size;
    private long rawLength;
    private int sum;
    private boolean escaped;
    private int check;

    public PacketReader(int maxPayload) {
        if (maxPayload < 1) {
            throw new IllegalArgumentException("maxPayload must be positive");
        }
        this.maxPayload = maxPayload;
    }

    public void feed(byte[] data, int off, int len, Consumer<Event> sink) {
        for (int i = off; i < off + len; i++) {
            int b = data[i] & 0xFF;
            switch (state) {
                case IDLE:
                    if (b == '$') {
                        start();
                    } else if (b == '+') {
                        sink.accept(new Event.Ack());
                    } else if (b == '-') {
                        sink.accept(new Event.Nak());
                    } else if (b == 0x03) {
                        sink.accept(new Event.Interrupt());
                    }
                    break;
                case DATA:
                    if (b == '#' && !escaped) {
                        state = State.CHECK1;
                    } else if (b == '$' && !escaped) {
                        start(); // a new packet began before this one ended: the first was garbage
                    } else {
                        sum = (sum + b) & 0xFF;
                        rawLength++;
                        if (escaped) {
                            append(b ^ 0x20);
                            escaped = false;
                        } else if (b == '}') {
                            escaped = true;
                        } else {
                            append(b);
                        }
                    }
                    break;
                case CHECK1:
                    check = hexValue(b) << 4;
                    state = State.CHECK2;
                    break;
                case CHECK2:
                    int low = hexValue(b);
                    boolean ok = check >= 0 && low >= 0 && (check | low) == sum;
                    state = State.IDLE;
                    if (rawLength > maxPayload) {
                        sink.accept(new Event.Oversized(rawLength, ok));
                    } else {
                        sink.accept(new Event.Packet(Arrays.copyOf(buf, size), ok));
                    }
                    if (buf.length > 4096) {
                        buf = new byte[256];
                    }
                    break;
                default:
                    throw new IllegalStateException();
            }
        }
    }

    private void start() {
        state = State.DATA;
        size = 0;
        rawLength = 0;
        sum = 0;
        escaped = false;
    }

    private void append(int b) {
        if (rawLength > maxPayload) {
            return;
        }
        if (size == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, maxPayload));
        }
        buf[size++] = (byte) b;
    }

    /** 0–15, or a large negative number so that any sum with it fails the comparison. */
    private static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -0x10000;
    }
}
