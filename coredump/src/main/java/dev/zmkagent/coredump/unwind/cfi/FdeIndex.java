package dev.zmkagent.coredump.unwind.cfi;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every usable FDE of an ELF, indexed once and sorted by start address; lookups are a binary search.
 *
 * <p>.debug_frame wins over .eh_frame for the same code. FDEs of functions the linker discarded
 * (--gc-sections leaves them pointing at address 0 or outside any code section) are dropped, so they cannot
 * shadow real code. A section that cannot be parsed is recorded in {@link #problems()} rather than failing the
 * whole unwind.
 */
public final class FdeIndex {
    private final Fde[] fdes;
    private final long[] starts;
    private final List<String> problems;

    private FdeIndex(List<Fde> list, List<String> problems) {
        list.sort(Comparator.comparingLong(Fde::start).thenComparingLong(Fde::end));
        this.fdes = list.toArray(new Fde[0]);
        this.starts = new long[fdes.length];
        for (int i = 0; i < fdes.length; i++) {
            starts[i] = fdes[i].start();
        }
        this.problems = List.copyOf(problems);
    }

    public static FdeIndex of(List<Fde> fdes) {
        return new FdeIndex(new ArrayList<>(fdes), List.of());
    }

    public static FdeIndex build(ElfFile elf) {
        List<Fde> all = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Optional<ElfSection> debugFrame = elf.section(CfiParser.DEBUG_FRAME);
        if (debugFrame.isPresent()) {
            try {
                all.addAll(CfiParser.parseDebugFrame(debugFrame.get().data()));
            } catch (FormatException e) {
                problems.add(".debug_frame: " + e.getMessage());
            }
        }
        Optional<ElfSection> ehFrame = elf.section(CfiParser.EH_FRAME);
        if (ehFrame.isPresent() && ehFrame.get().hasFileData()) {
            try {
                all.addAll(CfiParser.parseEhFrame(ehFrame.get().data(), ehFrame.get().address()));
            } catch (FormatException e) {
                problems.add(".eh_frame: " + e.getMessage());
            }
        }
        List<Fde> kept = new ArrayList<>();
        for (Fde f : all) {
            if (f.end() <= f.start() || !elf.isCode(f.start())) {
                continue;
            }
            if (f.start() == 0 && elf.symbols().functionAt(0).filter(s -> s.address() == 0).isEmpty()) {
                continue;
            }
            kept.add(f);
        }
        // Prefer .debug_frame: drop .eh_frame FDEs whose start a .debug_frame FDE already covers.
        kept.sort(Comparator.comparingLong(Fde::start));
        List<Fde> dedup = new ArrayList<>();
        for (Fde f : kept) {
            Fde last = dedup.isEmpty() ? null : dedup.get(dedup.size() - 1);
            if (last != null && last.start() == f.start()) {
                if (last.source().equals(CfiParser.EH_FRAME) && f.source().equals(CfiParser.DEBUG_FRAME)) {
                    dedup.set(dedup.size() - 1, f);
                }
                continue;
            }
            dedup.add(f);
        }
        return new FdeIndex(dedup, problems);
    }

    public int size() {
        return fdes.length;
    }

    public List<String> problems() {
        return problems;
    }

    public Optional<Fde> find(long pc) {
        int i = Arrays.binarySearch(starts, pc);
        if (i < 0) {
            i = -i - 2;
        } else {
            while (i + 1 < starts.length && starts[i + 1] == pc) {
                i++;
            }
        }
        for (int j = i; j >= 0 && j > i - 4; j--) {
            if (fdes[j].contains(pc)) {
                return Optional.of(fdes[j]);
            }
        }
        return Optional.empty();
    }
}
