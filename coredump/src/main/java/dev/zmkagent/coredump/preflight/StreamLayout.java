package dev.zmkagent.coredump.preflight;

import java.util.ArrayList;
import java.util.List;

/**
 * The 'ZE' stream of one crash, as the sequence of coredump_buffer_output() calls Zephyr 4.1 makes
 * (subsys/debug/coredump/coredump_core.c coredump()): dump_header() 12 bytes; arch_coredump_info_dump() a 5-byte
 * 'A' header and arch_blk (arch/arm/core/cortex_m/coredump.c); dump_threads_metadata() a 5-byte 'T' header and
 * _kernel (CONFIG_DEBUG_COREDUMP_THREADS_METADATA); for MIN dump_thread(current); then
 * process_memory_region_list(): LINKER_RAM's z_coredump_memory_regions[], or THREADS' every thread and the interrupt
 * stack, then the zephyr,coredump devices. Each memory block is coredump_memory_dump(): an 11-byte 'M' header
 * (struct coredump_mem_hdr_t, 32-bit pointers) and the bytes. Empty or NULL-bounded regions are skipped there.
 */
public final class StreamLayout {
    static final int FILE_HEADER = 12;
    static final int ARCH_HEADER = 5;
    static final int THREADS_META_HEADER = 5;
    static final int MEMORY_HEADER = 11;

    /** One buffer_output() call: {@code bytes} long; {@code memoryStart} is the RAM address of a block's data, or -1. */
    public record Output(String what, long bytes, long memoryStart) {
        boolean isMemory() {
            return memoryStart >= 0;
        }
    }

    private final List<Output> outputs = new ArrayList<>();
    private final List<MemoryRegion> blocks = new ArrayList<>();

    private StreamLayout() {
    }

    /**
     * The stream of a build for a given mode. {@code currentStack} is the faulting thread's stack (MIN only): the
     * ELF cannot know which thread that will be.
     */
    public static StreamLayout of(CoredumpBuild b, MemoryMode mode, ThreadStack currentStack) {
        StreamLayout s = new StreamLayout();
        s.add("ZE file header", FILE_HEADER);
        s.add("'A' arch block header", ARCH_HEADER);
        s.add("arch block (r0-r3, r12, lr, pc, xpsr, sp, r4-r11)", b.archBlockBytes());
        boolean meta = b.threadsMetadata() || mode == MemoryMode.THREADS; // THREADS selects THREADS_METADATA
        if (meta && b.kernelBytes() > 0) {
            s.add("'T' threads metadata header", THREADS_META_HEADER);
            s.add("_kernel", b.kernelBytes());
        }
        long thread = b.threadStructBytes().orElse(0);
        switch (mode) {
            case MIN -> {
                if (currentStack != null) {
                    s.thread(thread, currentStack);
                }
            }
            case THREADS -> {
                for (ThreadStack t : b.threadStacks()) {
                    s.thread(thread, t);
                }
                b.interruptStack().ifPresent(s::memory);
            }
            case LINKER_RAM -> b.linkerRegions().forEach(s::memory);
        }
        b.deviceRegions().forEach(s::memory);
        return s;
    }

    private void thread(long structBytes, ThreadStack t) {
        // dump_thread(): the struct k_thread itself (its address is known only at run time), then its stack.
        if (structBytes > 0) {
            add("'M' header", MEMORY_HEADER);
            add("struct k_thread of " + t.name(), structBytes);
        }
        memory(new MemoryRegion(t.address(), t.address() + t.bytes(), "thread stack " + t.name()));
    }

    private void memory(MemoryRegion r) {
        if (r.start() == 0 || r.end() == 0 || r.start() >= r.end()) {
            return;
        }
        add("'M' header", MEMORY_HEADER);
        outputs.add(new Output(r.what(), r.bytes(), r.start()));
        blocks.add(r);
    }

    private void add(String what, long bytes) {
        if (bytes > 0) {
            outputs.add(new Output(what, bytes, -1));
        }
    }

    public List<Output> outputs() {
        return List.copyOf(outputs);
    }

    /** The memory blocks whose address is known from the ELF, in stream order. */
    public List<MemoryRegion> blocks() {
        return List.copyOf(blocks);
    }

    public long totalBytes() {
        long n = 0;
        for (Output o : outputs) {
            n += o.bytes();
        }
        return n;
    }
}
