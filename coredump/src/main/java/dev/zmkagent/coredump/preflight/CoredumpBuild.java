package dev.zmkagent.coredump.preflight;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.dwarf.DataTypes;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.elf.SymbolTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What a Zephyr build's ELF says about the coredump it will write, read from the symbols and types Zephyr links in
 * (Zephyr 4.1; the rules name the source each one comes from). Nothing here runs the firmware: thread stacks are the
 * stack objects the build defines, not the threads a running system has created.
 */
public record CoredumpBuild(
        boolean enabled,
        Optional<Backend> backend,
        Optional<MemoryMode> memoryMode,
        List<MemoryRegion> linkerRegions,
        List<MemoryRegion> deviceRegions,
        OptionalLong flashBufferBytes,
        long archBlockBytes,
        boolean archBlockSizeFromElf,
        boolean threadsMetadata,
        long kernelBytes,
        OptionalLong threadStructBytes,
        List<ThreadStack> threadStacks,
        List<String> threadObjects,
        Optional<MemoryRegion> interruptStack,
        Optional<Boolean> extraExceptionInfo,
        Optional<Boolean> threadNames,
        boolean debugThreadInfo,
        boolean hasDwarf) {

    /** Cortex-M arch block v2 (Zephyr 3.5 to 4.1): r0-r3, r12, lr, pc, xpsr, sp, r4-r11 = 17 words. */
    static final long ARCH_BLOCK_V2_BYTES = 68;
    private static final Pattern DEVICE_CONFIG = Pattern.compile("coredump_config\\d+");

    public static CoredumpBuild inspect(ElfFile elf) {
        SymbolTable syms = elf.symbols();
        DataTypes types = DataTypes.of(elf);

        // coredump_core.c: coredump() is the entry z_fatal_error() calls; it exists only with CONFIG_DEBUG_COREDUMP.
        boolean core = function(syms, "coredump").isPresent();
        Optional<Backend> backend = Optional.empty();
        for (Backend b : Backend.values()) {
            if (syms.byName(b.symbol()).filter(ElfSymbol::isObject).isPresent()) {
                backend = Optional.of(b);
                break;
            }
        }
        boolean enabled = core && backend.isPresent();

        Optional<ElfSymbol> kernel = syms.byName("_kernel").filter(ElfSymbol::isObject);
        long kernelBytes = kernel.map(ElfSymbol::size).orElse(0L);

        // coredump_memory_regions.c defines z_coredump_memory_regions[] only under
        // CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_LINKER_RAM; process_memory_region_list() (coredump_core.c) walks
        // _kernel.threads only under CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS, so its code holds &_kernel.
        Optional<ElfSymbol> regionsSym = syms.byName("z_coredump_memory_regions").filter(ElfSymbol::isObject);
        Optional<MemoryMode> mode = Optional.empty();
        List<MemoryRegion> linker = List.of();
        if (enabled) {
            if (regionsSym.isPresent()) {
                mode = Optional.of(MemoryMode.LINKER_RAM);
                linker = linkerRegions(elf, regionsSym.get());
            } else if (kernel.isPresent() && references(elf, syms, "process_memory_region_list", kernel.get().address())) {
                mode = Optional.of(MemoryMode.THREADS);
            } else {
                mode = Optional.of(MemoryMode.MIN);
            }
        }

        // coredump_core.c dump_threads_metadata(), called from coredump() under
        // CONFIG_DEBUG_COREDUMP_THREADS_METADATA, outputs &_kernel; THREADS selects the option.
        boolean meta = enabled && kernel.isPresent()
                && (mode.orElse(null) == MemoryMode.THREADS
                    || references(elf, syms, "coredump", kernel.get().address())
                    || references(elf, syms, "dump_threads_metadata", kernel.get().address()));

        // coredump_backend_flash_partition.c: static uint8_t stream_flash_buf[FLASH_BUF_SIZE].
        OptionalLong buf = syms.byName("stream_flash_buf").filter(ElfSymbol::isObject)
                .map(s -> OptionalLong.of(s.size())).orElse(OptionalLong.empty());

        // arch/arm/core/cortex_m/coredump.c: static struct arm_arch_block arch_blk, output whole as the 'A' payload.
        Optional<ElfSymbol> archBlk = syms.byName("arch_blk").filter(s -> s.isObject() && s.size() > 0);
        long archBytes = archBlk.map(ElfSymbol::size).orElse(ARCH_BLOCK_V2_BYTES);

        OptionalLong threadBytes = types.struct("k_thread").map(l -> OptionalLong.of(l.byteSize())).orElse(OptionalLong.empty());
        // include/zephyr/arch/arm/cortex_m/exception.h: struct arch_esf has extra_info only with
        // CONFIG_EXTRA_EXCEPTION_INFO, and arch_coredump_info_dump() fills r4-r11 only from it.
        Optional<Boolean> extra = types.struct("arch_esf").map(l -> l.hasMember("extra_info"));
        // include/zephyr/kernel/thread.h: struct k_thread has name[] only with CONFIG_THREAD_NAME.
        Optional<Boolean> names = types.struct("k_thread").map(l -> l.hasMember("name"));
        // kernel/thread_monitor / debug/thread_info.c: _kernel_thread_info_offsets with CONFIG_DEBUG_THREAD_INFO.
        boolean threadInfo = syms.byName("_kernel_thread_info_offsets").isPresent();

        List<ThreadStack> stacks = new ArrayList<>();
        Optional<MemoryRegion> isr = Optional.empty();
        for (DataTypes.StructVariable v : types.variablesOf("z_thread_stack_element")) {
            long size = sizeAt(syms, v.address(), v.name());
            if (size <= 0) {
                continue;
            }
            // kernel/init.c: K_KERNEL_STACK_ARRAY_DEFINE(z_interrupt_stacks, ...) is the ISR stack; one CPU here.
            if (v.name().equals("z_interrupt_stacks")) {
                isr = Optional.of(new MemoryRegion(v.address(), v.address() + size, "interrupt stack"));
            } else {
                stacks.add(new ThreadStack(v.name(), v.address(), size));
            }
        }
        if (isr.isEmpty()) {
            isr = syms.byName("z_interrupt_stacks").filter(s -> s.isObject() && s.size() > 0)
                    .map(s -> new MemoryRegion(s.address(), s.address() + s.size(), "interrupt stack"));
        }
        return new CoredumpBuild(enabled, backend, mode, linker, deviceRegions(elf, syms), buf, archBytes, archBlk.isPresent(),
                meta, kernelBytes, threadBytes, List.copyOf(stacks),
                types.variablesOf("k_thread").stream().map(DataTypes.StructVariable::name).toList(), isr, extra, names, threadInfo, types.hasDwarf());
    }

    private static Optional<ElfSymbol> function(SymbolTable syms, String name) {
        return syms.byName(name).filter(ElfSymbol::isFunction);
    }

    private static long sizeAt(SymbolTable syms, long address, String name) {
        Optional<ElfSymbol> byName = syms.byName(name).filter(s -> s.address() == address);
        if (byName.isPresent()) {
            return byName.get().size();
        }
        return syms.containing(address).filter(s -> s.address() == address).map(ElfSymbol::size).orElse(0L);
    }

    /** z_coredump_memory_regions[]: {start, end} pairs of uintptr_t up to the {0, 0} end of the list. */
    private static List<MemoryRegion> linkerRegions(ElfFile elf, ElfSymbol sym) {
        ByteView b = bytesAt(elf, sym.address(), sym.size());
        List<MemoryRegion> out = new ArrayList<>();
        if (b == null) {
            return out;
        }
        for (int off = 0; off + 8 <= b.length(); off += 8) {
            long start = b.u32(off);
            long end = b.u32(off + 4);
            if (end == 0) {
                break;
            }
            out.add(new MemoryRegion(start, end, "z_coredump_memory_regions[" + off / 8 + "]"));
        }
        return out;
    }

    /**
     * drivers/coredump/coredump_impl.c: each zephyr,coredump device has a static const struct coredump_config
     * coredump_config&lt;n&gt; {enum type; int length; size_t memory_regions[]} of (address, size) pairs; type
     * COREDUMP_TYPE_MEMCPY (0) dumps them. Regions registered at run time are not in the ELF.
     */
    private static List<MemoryRegion> deviceRegions(ElfFile elf, SymbolTable syms) {
        List<MemoryRegion> out = new ArrayList<>();
        for (ElfSymbol s : syms.all()) {
            if (!s.isObject() || !DEVICE_CONFIG.matcher(s.name()).matches() || s.size() < 8) {
                continue;
            }
            ByteView b = bytesAt(elf, s.address(), s.size());
            if (b == null || b.u32(0) != 0) {
                continue;
            }
            long length = b.u32(4);
            if (length <= 0 || length % 2 != 0 || 8 + length * 4 > b.length()) {
                continue;
            }
            for (int i = 0; i < length; i += 2) {
                long start = b.u32(8 + i * 4);
                long size = b.u32(8 + (i + 1) * 4);
                out.add(new MemoryRegion(start, start + size, s.name() + " region " + i / 2));
            }
        }
        return out;
    }

    /** True when the function's code (its literal pool) holds the 32-bit word {@code value}. */
    private static boolean references(ElfFile elf, SymbolTable syms, String function, long value) {
        Optional<ElfSymbol> f = function(syms, function);
        if (f.isEmpty() || f.get().size() == 0) {
            return false;
        }
        long start = f.get().address() & ~1L;
        ByteView code = bytesAt(elf, start, f.get().size());
        if (code == null) {
            return false;
        }
        for (int off = (int) ((4 - (start & 3)) & 3); off + 4 <= code.length(); off += 4) {
            if (code.u32(off) == value) {
                return true;
            }
        }
        return false;
    }

    private static ByteView bytesAt(ElfFile elf, long address, long size) {
        for (ElfSection s : elf.sections()) {
            if (s.isAllocated() && s.hasFileData() && s.contains(address) && address + size <= s.address() + s.size()) {
                return s.data().slice((int) (address - s.address()), (int) size);
            }
        }
        return null;
    }
}
