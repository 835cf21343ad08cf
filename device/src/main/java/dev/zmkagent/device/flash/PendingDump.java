package dev.zmkagent.device.flash;

import java.time.Instant;

/**
 * A coredump read off a device before it is overwritten: the partition's bytes and the CURRENT.UF2 blocks they came
 * from (kept as UF2 so `zmk-agent analyze` reads the saved file like any other).
 *
 * @param sha256      of {@code partition}: the content key, so the same dump is never saved twice
 * @param valid       the 'CD' header says the dump is complete and its checksum matches
 */
public record PendingDump(String boardId, String variant, String bootloaderVersion, long partitionStart, byte[] partition,
                          byte[] uf2Blocks, String sha256, boolean valid, Instant readAt) {
}
