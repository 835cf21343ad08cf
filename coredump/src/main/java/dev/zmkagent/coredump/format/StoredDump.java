package dev.zmkagent.coredump.format;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.Optional;

/**
 * What a coredump partition holds: the judged 'CD' header, whether the stream's checksum matches, and the parsed
 * stream. A partition whose header is still erased but whose stream area starts with 'ZE' is an interrupted dump
 * (the header is written last); it is parsed too, with its size unknown.
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
        if (judged.state() == FlashHeader.State.ERASED && partition.has(FlashHeader.STREAM_OFFSET, ZephyrDumpParser.HEADER_LENGTH)) {
            ByteView rest = partition.from(FlashHeader.STREAM_OFFSET);
            if (ZephyrDumpParser.looksLikeStream(rest)) {
                return new StoredDump(judged.state(), Optional.empty(), true, Optional.empty(), 0,
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
