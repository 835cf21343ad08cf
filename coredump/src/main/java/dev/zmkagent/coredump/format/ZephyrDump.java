package dev.zmkagent.coredump.format;

import java.util.List;
import java.util.Optional;

/**
 * A parsed Zephyr coredump ('ZE' stream). Whatever could be read is kept; {@code warnings} says what could not
 * and why (unknown block, truncation, CRC mismatch) so a report can explain partial results. {@code readLength}
 * is how far into the stream the blocks were read: less than {@code streamLength} when parsing stopped (an unknown
 * block id, a cut header) or bytes follow the CRC trailer; what lies beyond was not read by anything.
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
        long readLength,
        List<String> warnings) {
    public static final int TARGET_ARM_CORTEX_M = 3;
    public static final int FLAG_CRC = 0x01;
}
