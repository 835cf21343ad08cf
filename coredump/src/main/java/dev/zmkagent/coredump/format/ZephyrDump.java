package dev.zmkagent.coredump.format;

import java.util.List;
import java.util.Optional;

/**
 * A parsed Zephyr coredump ('ZE' stream). Whatever could be read is kept; {@code warnings} says what could not
 * and why (unknown block, truncation, CRC mismatch) so a report can explain partial results.
 */
public record ZephyrDump(
        int headerVersion,
        int targetCode,
        int pointerSizeBits,
        int flags,
        int reason,
        Optional<ArchBlock> arch,
        List<MemoryBlock> memory,
        Optional<byte[]> threadsMetadata,
        int threadsMetadataVersion,
        Optional<Boolean> crcOk,
        boolean truncated,
        long streamLength,
        List<String> warnings) {
    public static final int TARGET_ARM_CORTEX_M = 3;
    public static final int FLAG_CRC = 0x01;
}
