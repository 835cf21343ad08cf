package dev.zmkagent.coredump.format;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.Optional;

/**
 * What a coredump partition holds: the judged 'CD' header, whether the stream's checksum matches, and the parsed
 * stream. A partition whose header is still erased but whose stream area starts with 'ZE' is an interrupted dump
 * (the header is written last); it is parsed too, with its size unknown. So is the stream behind a 'CD' header whose
 * size or version is corrupt: a damaged header must not hide a crash.
 */
public record StoredDump(
        FlashHeader.State headerState,
        Optional<FlashHeader> header,
        boolean interrupted,
        Optional<Boolean> checksumOk,
        int computedChecksum,
        Optional<ZephyrDump> dump) {

    public static StoredDump read(ByteView partition) {
        FlashHeader.Judged judged = FlashHeader.judge(partition, partition.length());
        if (judged.valid()) {
            FlashHeader h = judged.header().orElseThrow();
            ByteView stream = partition.slice(FlashHeader.STREAM_OFFSET, h.size());
            int sum = FlashHeader.sum16(stream);
            ZephyrDump dump = ZephyrDumpParser.looksLikeStream(stream) ? ZephyrDumpParser.parse(stream) : null;
            return new StoredDump(judged.state(), judged.header(), false, Optional.of(sum == h.checksum()), sum, Optional.ofNullable(dump));
        }
        if (judged.state() == FlashHeader.State.DEVICE_ERROR) {
            // Zephyr's flash backend stops writing at the first flash error and still writes the header, with the
            // error (coredump_backend_flash_partition.c, coredump_flash_backend_end): what was written before it is
            // a crash all the same. Its size and checksum are those of the bytes it meant to write.
            FlashHeader h = judged.header().orElseThrow();
            if (h.size() > 0 && partition.has(FlashHeader.STREAM_OFFSET, h.size())) {
                ByteView stream = partition.slice(FlashHeader.STREAM_OFFSET, h.size());
                if (ZephyrDumpParser.looksLikeStream(stream)) {
                    int sum = FlashHeader.sum16(stream);
                    return new StoredDump(judged.state(), judged.header(), false, Optional.of(sum == h.checksum()), sum,
                            Optional.of(ZephyrDumpParser.parse(stream)));
                }
            }
        }
        boolean recoverable = judged.state() == FlashHeader.State.ERASED || judged.state() == FlashHeader.State.SIZE_OUT_OF_RANGE
                || judged.state() == FlashHeader.State.BAD_VERSION || judged.state() == FlashHeader.State.DEVICE_ERROR;
        if (recoverable && partition.has(FlashHeader.STREAM_OFFSET, ZephyrDumpParser.HEADER_LENGTH)) {
            ByteView rest = partition.from(FlashHeader.STREAM_OFFSET);
            if (ZephyrDumpParser.looksLikeStream(rest)) {
                // An erased header is an interrupted dump; a 'CD' header with a size or version that cannot be right
                // is a corrupt one. Either way the stream is there: read it, its length taken from the data.
                boolean interrupted = judged.state() == FlashHeader.State.ERASED;
                return new StoredDump(judged.state(), judged.header(), interrupted, Optional.empty(), 0,
                        Optional.of(ZephyrDumpParser.parse(trimErased(rest))));
            }
        }
        return new StoredDump(judged.state(), judged.header(), false, Optional.empty(), 0, Optional.empty());
    }

    /** Drops the trailing erased (0xFF) bytes of an interrupted dump, whose real length was never recorded. */
    private static ByteView trimErased(ByteView v) {
        int end = v.length();
        while (end > 0 && v.u8(end - 1) == 0xFF) {
            end--;
        }
        return v.slice(0, end);
    }

    /** True when the header says a complete dump is stored (Zephyr's own validity test, plus both id bytes). */
    public boolean valid() {
        return headerState == FlashHeader.State.VALID && checksumOk.orElse(false);
    }

    public boolean present() {
        return dump.isPresent();
    }
}
