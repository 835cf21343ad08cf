package dev.zmkagent.coredump.elf;

import dev.zmkagent.coredump.bytes.ByteView;

/**
 * A PT_LOAD program header. {@code physicalAddress} is where the bytes live in flash (LMA), {@code virtualAddress}
 * where they run (VMA); for .data they differ, and flash comparisons must use the physical address.
 * {@code fileOffset} is where {@code data} starts in the file (so a section can be placed inside its segment).
 */
public record ElfSegment(long virtualAddress, long physicalAddress, long fileSize, long memorySize, int flags, long fileOffset,
                         ByteView data) {
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;
}
