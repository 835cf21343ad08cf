package dev.zmkagent.coredump.preflight;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the next crash will capture, from the ELF and the partition size alone: the stream Zephyr will write, whether
 * the flash partition holds it, where it is cut and what is lost, and the Kconfig lines that would make it whole.
 *
 * @param predictedStreamBytes the whole 'ZE' stream; for MIN the largest over the build's thread stacks
 * @param writtenBytes what the partition keeps of it (the 'CD' header's size)
 * @param perThread MIN only: the stream for each thread stack, in case that thread faults
 * @param alternatives the same build's stream in the other memory modes (what switching would give)
 */
public record Preflight(
        CoredumpBuild build,
        long partitionBytes,
        long predictedStreamBytes,
        long writtenBytes,
        boolean truncated,
        OptionalLong truncatedAt,
        List<LostObject> lost,
        Map<String, Long> perThread,
        Map<MemoryMode, Long> alternatives,
        List<Advice> advice) {

    /** nRF52840 flash0: write-block-size = &lt;4&gt; (dts/arm/nordic/nrf52840.dtsi). */
    public static final long NRF52_WRITE_BLOCK = 4;
    /** CONFIG_DEBUG_COREDUMP_FLASH_CHUNK_SIZE default 64 (Zephyr 4.1) when the ELF has no stream_flash_buf. */
    static final long DEFAULT_FLASH_BUFFER = 64;

    public static Preflight of(ElfFile elf, long partitionBytes) {
        return of(elf, CoredumpBuild.inspect(elf), partitionBytes);
    }

    static Preflight of(ElfFile elf, CoredumpBuild b, long partitionBytes) {
        long buffer = b.flashBufferBytes().orElse(DEFAULT_FLASH_BUFFER);
        Map<String, Long> perThread = new LinkedHashMap<>();
        Map<MemoryMode, Long> alternatives = new LinkedHashMap<>();
        if (!b.enabled() || b.memoryMode().isEmpty()) {
            return new Preflight(b, partitionBytes, 0, 0, false, OptionalLong.empty(), List.of(), perThread, alternatives,
                    advise(b, false, alternatives, partitionBytes));
        }
        MemoryMode mode = b.memoryMode().get();
        StreamLayout stream = worstCase(b, mode, perThread);
        boolean flash = b.backend().orElse(null) == Backend.FLASH_PARTITION;
        FlashPartitionFit fit = flash ? FlashPartitionFit.of(stream, partitionBytes, buffer, NRF52_WRITE_BLOCK) : null;
        for (MemoryMode m : MemoryMode.values()) {
            if (m != mode && (m != MemoryMode.LINKER_RAM || !b.linkerRegions().isEmpty())) {
                if (m == MemoryMode.LINKER_RAM || !b.threadStacks().isEmpty()) {
                    alternatives.put(m, worstCase(b, m, new LinkedHashMap<>()).totalBytes());
                }
            }
        }
        boolean truncated = fit != null && fit.truncated();
        List<LostObject> lost = truncated ? lost(elf, b, stream, fit) : List.of();
        return new Preflight(b, partitionBytes, stream.totalBytes(), fit != null ? fit.writtenBytes() : stream.totalBytes(),
                truncated, truncated ? fit.cutAddress() : OptionalLong.empty(), lost, perThread, alternatives,
                advise(b, truncated, alternatives, partitionBytes));
    }

    /** The stream in {@code mode}; for MIN the largest of the per-thread streams (recorded in {@code perThread}). */
    private static StreamLayout worstCase(CoredumpBuild b, MemoryMode mode, Map<String, Long> perThread) {
        if (mode != MemoryMode.MIN) {
            return StreamLayout.of(b, mode, null);
        }
        StreamLayout worst = StreamLayout.of(b, mode, null);
        for (ThreadStack t : b.threadStacks()) {
            StreamLayout s = StreamLayout.of(b, mode, t);
            perThread.put(t.name(), s.totalBytes());
            if (s.totalBytes() > worst.totalBytes()) {
                worst = s;
            }
        }
        return worst;
    }

    /**
     * True when the prediction is a worst case rather than the one stream the firmware will write: in MIN mode the
     * dump holds only the faulting thread's stack, which the ELF cannot know, so the prediction is the stream of the
     * thread whose stack makes it largest ({@link #worstCaseThread()}).
     */
    public boolean worstCase() {
        return build.memoryMode().orElse(null) == MemoryMode.MIN && !perThread.isEmpty();
    }

    /** MIN: the stack (of the thread that would fault) the worst case is for: the largest stream in {@code perThread}. */
    public Optional<String> worstCaseThread() {
        if (!worstCase()) {
            return Optional.empty();
        }
        return perThread.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** The stream if the thread with this stack faults (MIN); the plain prediction otherwise. */
    public long streamBytesIfFaulting(String stackName) {
        Long v = perThread.get(stackName);
        return v != null ? v : predictedStreamBytes;
    }

    /** What {@code writtenBytes} would be if the thread with this stack faults. */
    public long writtenBytesIfFaulting(String stackName) {
        MemoryMode mode = build.memoryMode().orElse(MemoryMode.LINKER_RAM);
        ThreadStack t = build.threadStacks().stream().filter(s -> s.name().equals(stackName)).findFirst().orElse(null);
        StreamLayout s = StreamLayout.of(build, mode, mode == MemoryMode.MIN ? t : null);
        return FlashPartitionFit.of(s, partitionBytes, build.flashBufferBytes().orElse(DEFAULT_FLASH_BUFFER), NRF52_WRITE_BLOCK)
                .writtenBytes();
    }

    /** RAM objects from the cut to the end of the cut block, and in every later block. */
    private static List<LostObject> lost(ElfFile elf, CoredumpBuild b, StreamLayout stream, FlashPartitionFit fit) {
        List<long[]> ranges = new ArrayList<>();
        long cut = fit.cutAddress().orElse(Long.MAX_VALUE);
        boolean after = false;
        for (MemoryRegion r : stream.blocks()) {
            if (!after && cut >= r.start() && cut < r.end()) {
                ranges.add(new long[] {cut, r.end()});
                after = true;
            } else if (after) {
                ranges.add(new long[] {r.start(), r.end()});
            }
        }
        Set<String> stacks = new HashSet<>();
        b.threadStacks().forEach(t -> stacks.add(t.name()));
        Set<String> threads = new HashSet<>(b.threadObjects());
        List<LostObject> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ElfSymbol s : elf.symbols().all()) {
            if (!s.isObject() || s.size() == 0 || !seen.add(s.name() + "@" + s.address())) {
                continue;
            }
            long lostBytes = 0;
            for (long[] r : ranges) {
                long lo = Math.max(r[0], s.address());
                long hi = Math.min(r[1], s.address() + s.size());
                if (hi > lo) {
                    lostBytes += hi - lo;
                }
            }
            if (lostBytes > 0) {
                String what = s.name().equals("_kernel") ? "kernel state (_kernel: current thread, thread list)"
                        : s.name().equals("z_interrupt_stacks") ? "interrupt stack"
                        : stacks.contains(s.name()) ? "thread stack"
                        : threads.contains(s.name()) ? "thread (struct k_thread)"
                        : "data";
                out.add(new LostObject(s.name(), s.address(), s.size(), lostBytes, what));
            }
        }
        out.sort(Comparator.comparingLong(LostObject::address));
        return out;
    }

    private static List<Advice> advise(CoredumpBuild b, boolean truncated, Map<MemoryMode, Long> alternatives, long partitionBytes) {
        List<Advice> out = new ArrayList<>();
        if (!b.enabled()) {
            out.add(new Advice("CONFIG_DEBUG_COREDUMP=y", "no coredump is compiled in (no coredump() in the ELF)"));
        }
        if (b.backend().orElse(null) != Backend.FLASH_PARTITION) {
            out.add(new Advice("CONFIG_DEBUG_COREDUMP_BACKEND_FLASH_PARTITION=y",
                    "only the flash partition backend keeps a dump across the reset into the bootloader"
                    + " (build a zmk_debug variant: it has the coredump_partition)"));
        }
        long usable = partitionBytes - FlashPartitionFit.FLASH_HEADER;
        if (truncated) {
            Long threads = alternatives.get(MemoryMode.THREADS);
            Long min = alternatives.get(MemoryMode.MIN);
            if (threads != null && threads <= usable) {
                out.add(new Advice(MemoryMode.THREADS.kconfig() + "=y", "the whole-RAM dump does not fit; every thread's stack and "
                        + "the interrupt stack would (" + threads + " of " + usable + " bytes)"));
            } else if (min != null && min <= usable) {
                out.add(new Advice(MemoryMode.MIN.kconfig() + "=y", "the whole-RAM dump does not fit; the faulting thread's stack"
                        + " would (at most " + min + " of " + usable + " bytes)"));
            }
        }
        if (b.extraExceptionInfo().isPresent() && !b.extraExceptionInfo().get()) {
            out.add(new Advice("CONFIG_EXTRA_EXCEPTION_INFO=y", "r4-r11 at the fault are written as zeros without it"));
        }
        boolean threadsMode = b.memoryMode().orElse(null) == MemoryMode.THREADS;
        if (b.enabled() && !b.threadsMetadata() && !threadsMode) {
            out.add(new Advice("CONFIG_DEBUG_COREDUMP_THREADS_METADATA=y",
                    "without the 'T' block (_kernel) gdb and zmk-agent see one thread only"));
        }
        if (!b.debugThreadInfo()) {
            out.add(new Advice("CONFIG_DEBUG_THREAD_INFO=y", "the thread list needs _kernel_thread_info_offsets"));
        }
        if (b.threadNames().isPresent() && !b.threadNames().get()) {
            out.add(new Advice("CONFIG_THREAD_NAME=y", "threads are shown by address only without it"));
        }
        return out;
    }

    public Optional<MemoryMode> memoryMode() {
        return build.memoryMode();
    }
}
