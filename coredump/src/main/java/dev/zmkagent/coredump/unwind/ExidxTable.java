package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import java.util.Arrays;
import java.util.Optional;

/**
 * The ARM EHABI index (.ARM.exidx): sorted pairs of (prel31 function start, unwind word). We use it for what it
 * says reliably — where functions start and end, and which are marked EXIDX_CANTUNWIND — not for unwinding itself
 * (GCC's .debug_frame is always present in our inputs when exidx would be).
 */
public final class ExidxTable {
    /** One function's entry: [start, end) and whether the compiler marked it as not unwindable. */
    public record Entry(long start, long end, boolean cantUnwind) {
    }

    private static final long CANTUNWIND = 1;

    private final long[] starts;
    private final boolean[] cantUnwind;
    private final long lastEnd;

    private ExidxTable(long[] starts, boolean[] cantUnwind, long lastEnd) {
        this.starts = starts;
        this.cantUnwind = cantUnwind;
        this.lastEnd = lastEnd;
    }

    public static ExidxTable empty() {
        return new ExidxTable(new long[0], new boolean[0], 0);
    }

    /** A table of one function {@code [start, end)}, as an ELF's .ARM.exidx with one entry gives it. */
    static ExidxTable of(long start, long end) {
        return new ExidxTable(new long[] {start}, new boolean[] {false}, end);
    }

    public static ExidxTable build(ElfFile elf) {
        Optional<ElfSection> s = elf.section(".ARM.exidx");
        if (s.isEmpty() || !s.get().hasFileData()) {
            return empty();
        }
        ByteView d = s.get().data();
        int n = d.length() / 8;
        long[] starts = new long[n];
        boolean[] cant = new boolean[n];
        long base = s.get().address();
        for (int i = 0; i < n; i++) {
            long word0 = d.u32(i * 8);
            long word1 = d.u32(i * 8 + 4);
            starts[i] = (base + i * 8L + prel31(word0)) & 0xFFFF_FFFFL;
            cant[i] = word1 == CANTUNWIND;
        }
        // The table is sorted by the linker; sort defensively anyway while keeping flags paired.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
        long[] st = new long[n];
        boolean[] ct = new boolean[n];
        for (int i = 0; i < n; i++) {
            st[i] = starts[order[i]];
            ct[i] = cant[order[i]];
        }
        long end = elf.sectionAt(n > 0 ? st[n - 1] : 0).map(sec -> sec.address() + sec.size()).orElse(n > 0 ? st[n - 1] + 2 : 0);
        return new ExidxTable(st, ct, end);
    }

    private static long prel31(long word) {
        long v = word & 0x7FFF_FFFFL;
        return (v & 0x4000_0000L) != 0 ? v - 0x8000_0000L : v;
    }

    public int size() {
        return starts.length;
    }

    public Optional<Entry> find(long pc) {
        int i = Arrays.binarySearch(starts, pc);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0) {
            return Optional.empty();
        }
        long end = i + 1 < starts.length ? starts[i + 1] : lastEnd;
        return pc < end ? Optional.of(new Entry(starts[i], end, cantUnwind[i])) : Optional.empty();
    }
}
