package dev.zmkagent.coredump.format;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.Optional;

/**
 * The 16-byte header Zephyr's flash-partition coredump backend writes at the start of the partition, last (after
 * the data), so an interrupted dump leaves it erased:
 * <pre>
 *  0  char[2]  'C','D'
 *  2  u16      header version (1)
 *  4  u32      size of the ZE stream that follows (pad bytes not counted)
 *  8  u16      flags (0)
 * 10  u16      checksum: 16-bit sum of the stream bytes
 * 12  s32      error (0 = OK, negative errno)
 * </pre>
 * The stream starts at offset 16 (header rounded up to the 4-byte flash write size).
 */
public record FlashHeader(int version, long size, int flags, int checksum, int error) {
    public static final int LENGTH = 16;
    public static final int STREAM_OFFSET = 16;
    /** Where the u16 checksum lies in the header. */
    public static final int CHECKSUM_OFFSET = 10;

    /** How a candidate header was judged, for "no dump" reports. */
    public enum State { VALID, ERASED, NOT_A_HEADER, BAD_VERSION, DEVICE_ERROR, SIZE_OUT_OF_RANGE }

    /** Parses the header at the start of {@code partition} and judges it against a partition of the given size. */
    public static Judged judge(ByteView partition, long partitionSize) {
        if (!partition.has(0, LENGTH)) {
            return new Judged(State.NOT_A_HEADER, Optional.empty());
        }
        boolean erased = true;
        for (int i = 0; i < LENGTH; i++) {
            if (partition.u8(i) != 0xFF) {
                erased = false;
                break;
            }
        }
        if (erased) {
            return new Judged(State.ERASED, Optional.empty());
        }
        // Zephyr's own check is (id[0] != 'C') && (id[1] != 'D'); we require both bytes.
        if (partition.u8(0) != 'C' || partition.u8(1) != 'D') {
            return new Judged(State.NOT_A_HEADER, Optional.empty());
        }
        FlashHeader h = new FlashHeader(partition.u16(2), partition.u32(4), partition.u16(8), partition.u16(10), partition.s32(12));
        if (h.version != 1) {
            return new Judged(State.BAD_VERSION, Optional.of(h));
        }
        if (h.error != 0) {
            return new Judged(State.DEVICE_ERROR, Optional.of(h));
        }
        if (h.size == 0 || h.size > partitionSize - STREAM_OFFSET) {
            return new Judged(State.SIZE_OUT_OF_RANGE, Optional.of(h));
        }
        return new Judged(State.VALID, Optional.of(h));
    }

    public record Judged(State state, Optional<FlashHeader> header) {
        public boolean valid() {
            return state == State.VALID;
        }
    }

    /** The 16-bit additive checksum Zephyr computes over the stream (it is not a CRC). */
    public static int sum16(ByteView data) {
        int sum = 0;
        for (int i = 0; i < data.length(); i++) {
            sum += data.u8(i);
        }
        return sum & 0xFFFF;
    }
}
