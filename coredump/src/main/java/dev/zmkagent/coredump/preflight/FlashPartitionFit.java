package dev.zmkagent.coredump.preflight;

import java.util.OptionalLong;

/**
 * How much of a stream the flash-partition backend stores. coredump_backend_flash_partition.c (Zephyr 4.1):
 * coredump_flash_backend_start() gives stream flash the partition minus ROUND_UP(sizeof(struct flash_hdr_t) = 16,
 * FLASH_WRITE_SIZE); coredump_flash_backend_buffer_output() cuts every output into FLASH_BUF_SIZE pieces and hands
 * each to stream_flash_buffered_write() (subsys/storage/stream/stream_flash.c), which refuses with -ENOMEM, writing
 * nothing, a piece that would pass the end; from then on backend_ctx.error drops every later output. The header's
 * size is stream_flash_bytes_written() after the flush in end(), i.e. every piece accepted before the refusal.
 */
public record FlashPartitionFit(long writtenBytes, boolean truncated, OptionalLong cutAddress, String cutIn, int cutOutput) {
    static final long FLASH_HEADER = 16;

    public static FlashPartitionFit of(StreamLayout stream, long partitionBytes, long flashBufferBytes, long writeBlock) {
        long headerSpace = (FLASH_HEADER + writeBlock - 1) / writeBlock * writeBlock;
        long available = partitionBytes - headerSpace;
        long chunk = Math.max(1, flashBufferBytes);
        long total = 0;
        int index = 0;
        for (StreamLayout.Output o : stream.outputs()) {
            long done = 0;
            while (done < o.bytes()) {
                long piece = Math.min(chunk, o.bytes() - done);
                if (total + piece > available) {
                    OptionalLong cut = o.isMemory() ? OptionalLong.of(o.memoryStart() + done) : nextMemory(stream, index);
                    return new FlashPartitionFit(total, true, cut, o.what(), index);
                }
                total += piece;
                done += piece;
            }
            index++;
        }
        return new FlashPartitionFit(total, false, OptionalLong.empty(), null, -1);
    }

    /** A refusal inside a header: the block it announces is lost from its first byte. */
    private static OptionalLong nextMemory(StreamLayout stream, int from) {
        var outs = stream.outputs();
        for (int i = from; i < outs.size(); i++) {
            if (outs.get(i).isMemory()) {
                return OptionalLong.of(outs.get(i).memoryStart());
            }
        }
        return OptionalLong.empty();
    }
}
