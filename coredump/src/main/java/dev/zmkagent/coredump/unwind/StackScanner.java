package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.memory.Memory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The last resort after real unwinding stopped: walk the stack upwards looking for words that look like Thumb return
 * addresses — odd, pointing into code, right after a BL / BLX (decoded at ret-4 / ret-2). Every hit is only a guess:
 * stale return addresses of calls that already returned look exactly the same.
 */
final class StackScanner {
    /** A candidate: the stack slot that held it and the return address (Thumb bit cleared). */
    record Hit(long slot, long returnAddress) {
    }

    private StackScanner() {
    }

    static List<Hit> scan(Memory memory, CodeReader code, long fromSp, int words, int maxHits) {
        List<Hit> hits = new ArrayList<>();
        long addr = fromSp & ~3L;
        for (int i = 0; i < words && hits.size() < maxHits; i++, addr += 4) {
            OptionalLong w = memory.u32(addr);
            if (w.isEmpty()) {
                break; // end of what the dump holds
            }
            long v = w.getAsLong();
            if ((v & 1) == 0) {
                continue;
            }
            long ret = v & ~1L;
            if (code.isCode(ret) && code.isCode(ret - 2) && code.precededByCall(ret)) {
                hits.add(new Hit(addr, ret));
            }
        }
        return hits;
    }
}
