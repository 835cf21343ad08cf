package dev.zmkagent.coredump.preflight;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The text forms: the full `doctor --elf` section, and the short summary `firmware add` and `flash --elf` print. */
public final class PreflightText {
    private static final int LOST_SHOWN = 8;

    private PreflightText() {
    }

    /**
     * @param partition where the partition size came from ("nice!nano zmk_debug, 0x71000"), or null when unknown
     */
    public static String full(Preflight p, String partition, List<HangOption> hangs) {
        CoredumpBuild b = p.build();
        StringBuilder s = new StringBuilder();
        s.append("Coredump (what the next crash will capture)\n");
        if (!b.enabled()) {
            s.append(line("compiled in", "no: the ELF has no coredump() or no coredump backend"));
        } else {
            s.append(line("compiled in", "yes, backend " + b.backend().get().id() + " (" + b.backend().get().kconfig() + ")"));
            MemoryMode mode = b.memoryMode().get();
            s.append(line("memory dump", mode.name() + " (" + mode.kconfig() + ")" + regions(b, mode)));
            long usable = p.partitionBytes() - FlashPartitionFit.FLASH_HEADER;
            String size = p.predictedStreamBytes() + " bytes" + sizeKind(p, mode);
            if (partition != null) {
                size += " for " + usable + " usable of the " + p.partitionBytes() + "-byte partition (" + partition + ")";
            } else {
                size += "; partition size unknown (not a catalog board's debug variant: give --board and --variant)";
            }
            s.append(line("stream", size));
            if (p.truncated()) {
                s.append(line("TRUNCATED", String.format("the dump stops at 0x%08x; %d of %d bytes are written", p.truncatedAt().orElse(0),
                        p.writtenBytes(), p.predictedStreamBytes())));
                s.append(line("a report lacks", lostSummary(p)));
            } else if (partition != null) {
                s.append(line("fits", "yes, " + (usable - p.predictedStreamBytes()) + " bytes to spare"));
            }
            for (Map.Entry<MemoryMode, Long> e : p.alternatives().entrySet()) {
                s.append(line("with " + e.getKey().name(), e.getValue() + " bytes" + (e.getKey() == MemoryMode.MIN ? ", worst case" : "")
                        + (partition == null ? "" : e.getValue() <= usable ? " (fits)" : " (does not fit)")));
            }
            s.append(line("r4-r11", b.extraExceptionInfo().map(x -> x ? "yes (CONFIG_EXTRA_EXCEPTION_INFO)"
                    : "no: written as zeros (CONFIG_EXTRA_EXCEPTION_INFO is off)").orElse("unknown (no DWARF for struct arch_esf)")));
            boolean meta = b.threadsMetadata() || mode == MemoryMode.THREADS;
            s.append(line("thread metadata", meta ? "yes ('T' block: _kernel, " + b.kernelBytes() + " bytes)"
                    : "no 'T' block: one thread only (CONFIG_DEBUG_COREDUMP_THREADS_METADATA is off)"));
            s.append(line("thread names", b.threadNames().map(x -> x ? "yes (CONFIG_THREAD_NAME)" : "no (CONFIG_THREAD_NAME is off)")
                    .orElse("unknown (no DWARF for struct k_thread)")
                    + (b.debugThreadInfo() ? "" : "; no _kernel_thread_info_offsets (CONFIG_DEBUG_THREAD_INFO is off)")));
        }
        if (!p.advice().isEmpty()) {
            s.append("Add to config/<board>.conf:\n");
            for (Advice a : p.advice()) {
                s.append("  ").append(a.kconfig()).append("    # ").append(a.why()).append('\n');
            }
        }
        if (hangs != null && !hangs.isEmpty()) {
            s.append(hangs(hangs));
        }
        return s.toString();
    }

    /**
     * The options that turn a hang into a dump, each on or off in this ELF, with its Kconfig lines when off. Also what
     * a capture that found an erased partition prints.
     */
    public static String hangs(List<HangOption> hangs) {
        StringBuilder s = new StringBuilder("Hangs: a freeze without a fault writes no dump. What turns one into a dump:\n");
        for (HangOption h : hangs) {
            s.append("  ").append(h.name()).append(": ").append(h.on() ? "already on in this firmware" : "off").append('\n');
            if (!h.on()) {
                for (String k : h.kconfig()) {
                    s.append("      ").append(k).append('\n');
                }
            }
            s.append("      (").append(h.how()).append(")\n");
        }
        return s.toString();
    }

    /** Two or three lines for `firmware add` and `flash --elf`. */
    public static String summary(Preflight p, String partition) {
        CoredumpBuild b = p.build();
        if (!b.enabled()) {
            return "coredump: not compiled in (add CONFIG_DEBUG_COREDUMP=y and CONFIG_DEBUG_COREDUMP_BACKEND_FLASH_PARTITION=y)\n";
        }
        StringBuilder s = new StringBuilder("coredump: ").append(b.backend().get().id()).append(", ")
                .append(b.memoryMode().get().name()).append(", ").append(p.predictedStreamBytes()).append(" bytes")
                .append(p.worstCase() ? " worst case" : "");
        if (partition == null) {
            s.append(" (partition size unknown)");
        } else if (p.truncated()) {
            s.append(String.format(" > %d usable: truncated at 0x%08x, a report lacks %s", p.partitionBytes() - FlashPartitionFit.FLASH_HEADER,
                    p.truncatedAt().orElse(0), lostSummary(p)));
        } else {
            s.append(" (fits the ").append(p.partitionBytes()).append("-byte partition)");
        }
        s.append('\n');
        if (!p.advice().isEmpty()) {
            List<String> lines = new ArrayList<>();
            p.advice().forEach(a -> lines.add(a.kconfig()));
            s.append("  add to config/<board>.conf: ").append(String.join(" ", lines)).append(" (zmk-agent doctor --elf for why)\n");
        }
        return s.toString();
    }

    /**
     * What kind of figure the prediction is: exact for LINKER_RAM and THREADS (the regions are fixed at link time);
     * for MIN a worst case (only the faulting thread's stack is dumped, and which thread faults is known only then).
     */
    private static String sizeKind(Preflight p, MemoryMode mode) {
        if (p.worstCase()) {
            return ", worst case (if the thread on " + p.worstCaseThread().orElse("the largest stack") + " faults: MIN dumps only the faulting thread's stack)";
        }
        if (mode == MemoryMode.MIN) {
            return " without the faulting thread's stack (no thread stacks found in the ELF: that stack adds to it)";
        }
        return "";
    }

    private static String regions(CoredumpBuild b, MemoryMode mode) {
        if (mode == MemoryMode.LINKER_RAM && !b.linkerRegions().isEmpty()) {
            List<String> r = new ArrayList<>();
            b.linkerRegions().forEach(x -> r.add(String.format("0x%08x-0x%08x", x.start(), x.end())));
            return ", RAM " + String.join(", ", r);
        }
        if (mode != MemoryMode.LINKER_RAM) {
            return ", " + b.threadStacks().size() + " thread stacks in the ELF";
        }
        return "";
    }

    static String lostSummary(Preflight p) {
        List<String> important = new ArrayList<>();
        long others = 0;
        long otherBytes = 0;
        for (LostObject o : p.lost()) {
            if (!o.what().equals("data") && important.size() < LOST_SHOWN) {
                important.add(o.name() + " (" + o.what() + (o.partly() ? ", last " + o.bytesLost() + " of " + o.size() + " bytes" : "") + ")");
            } else {
                others++;
                otherBytes += o.bytesLost();
            }
        }
        if (important.isEmpty() && !p.lost().isEmpty()) {
            LostObject first = p.lost().get(0);
            important.add(first.name() + (first.partly() ? " (last " + first.bytesLost() + " of " + first.size() + " bytes)" : ""));
            others--;
            otherBytes -= first.bytesLost();
        }
        String s = String.join(", ", important);
        if (others > 0) {
            s += " and " + others + " other object" + (others == 1 ? "" : "s") + " (" + otherBytes + " bytes)";
        }
        return s.isEmpty() ? "nothing named in the ELF" : s;
    }

    private static String line(String label, String value) {
        return String.format("  %-16s %s%n", label + ":", value);
    }
}
