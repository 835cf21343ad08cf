package dev.zmkagent.coredump.unwind.cfi;

import dev.zmkagent.coredump.bytes.ByteView;

/**
 * A Frame Description Entry: the CFI program for the code range [start, end).
 *
 * @param offset       offset of the entry in its section (for messages)
 * @param source       the section it came from (".debug_frame" or ".eh_frame")
 */
public record Fde(Cie cie, long start, long end, ByteView instructions, long offset, String source) {
    public boolean contains(long pc) {
        return pc >= start && pc < end;
    }
}
