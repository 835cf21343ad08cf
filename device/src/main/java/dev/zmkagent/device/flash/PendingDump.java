package dev.zmkagent.device.flash;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A coredump read off a device before it is overwritten: the partition's bytes and the CURRENT.UF2 blocks they came
 * from (kept as UF2 so `zmk-agent analyze` reads the saved file like any other).
 *
 * @param sha256      of {@code partition}: the content key, so the same dump is never saved twice
 * @param condition   what the partition holds, in words: {@link #COMPLETE} when the 'CD' header is valid and the
 *                    checksum matches; otherwise what is wrong ("truncated (checksum mismatch)", ...)
 * @param currentUf2  the CURRENT.UF2 it was read from
 */
public record PendingDump(String boardId, String variant, String bootloaderVersion, long partitionStart, byte[] partition,
                          byte[] uf2Blocks, String sha256, String condition, Path currentUf2, Instant readAt) {
    public static final String COMPLETE = "complete";

    /** The 'CD' header is valid and the checksum matches. */
    public boolean complete() {
        return COMPLETE.equals(condition);
    }
}
