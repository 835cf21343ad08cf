package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.SafeText;
import dev.zmkagent.coredump.dwarf.DwarfObjects;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Zephyr's threads, read with the ELF's thread-info table ({@code CONFIG_DEBUG_THREAD_INFO}:
 * {@code _kernel_thread_info_offsets}, {@code _kernel_thread_info_num_offsets}, {@code _kernel_thread_info_size_t_size}),
 * from {@code _kernel} (the dump's 'T' block, or the {@code _kernel} symbol in dumped memory) and the thread structs
 * in dumped memory. Each switched-out thread is unwound from its saved context: the frame the core stacked at its psp
 * (callee_saved.psp) plus r4–r11, which Zephyr keeps in the 8 words of callee_saved before psp.
 */
public final class ThreadLister {
    public static final int VERSION = 0, K_CURR_THREAD = 1, K_THREADS = 2, T_ENTRY = 3, T_NEXT_THREAD = 4, T_STATE = 5,
            T_USER_OPTIONS = 6, T_PRIO = 7, T_STACK_PTR = 8, T_NAME = 9, T_ARCH = 10, T_PREEMPT_FLOAT = 11,
            T_COOP_FLOAT = 12, T_ARM_EXC_RETURN = 13;
    private static final long UNIMPLEMENTED = 0xFFFF_FFFFL;
    private static final int MAX_THREADS = 128;
    /** The largest MPU guard at a stack object's low end that {@link #unusedFill} looks past. */
    static final int MAX_UNDUMPED_GUARD = 256;
    /** The shortest 0xAA run above a guard that counts as the fill. */
    static final int MIN_FILL_RUN = 16;

    /** The offsets table; {@link #get} is empty for indices past its end or marked unimplemented. */
    public record Offsets(long[] values) {
        public OptionalLong get(int index) {
            return index < values.length && values[index] != UNIMPLEMENTED ? OptionalLong.of(values[index]) : OptionalLong.empty();
        }
    }

    /**
     * One thread. {@code name} is safe to print (control characters escaped, see {@link SafeText}). {@code stack} is
     * the ELF object (K_THREAD_STACK_DEFINE) holding the saved sp; {@code unusedBytes} counts its bytes below the
     * thread's deepest use: the 0xAA fill still untouched, plus the MPU guard below it (see {@link #unusedFill}). The current thread's backtrace is the crash
     * backtrace itself, so it is left empty here; its stack use is measured like the others'.
     */
    public record ThreadEntry(long address, String name, OptionalLong state, OptionalLong priority, OptionalLong entry,
                              boolean current, Optional<AddressRange> stack, OptionalLong unusedBytes,
                              Optional<Backtrace> backtrace) {
        public OptionalLong usedBytes() {
            return stack.isPresent() && unusedBytes.isPresent()
                    ? OptionalLong.of(stack.get().length() - unusedBytes.getAsLong()) : OptionalLong.empty();
        }

        /** The names of the {@code _THREAD_*} bits set in {@link #state} ({@link ThreadState}); empty when unknown or 0. */
        public List<String> stateNames() {
            return state.isPresent() ? ThreadState.names(state.getAsLong()) : List.of();
        }

        /**
         * The thread's name wherever the project shows one (the report, gdb's thread list): its name, or for a thread
         * without one (CONFIG_THREAD_NAME off, or an empty name) "thread 0x%08x", its k_thread's address.
         */
        public String label() {
            return name.isEmpty() ? String.format("thread 0x%08x", address) : name;
        }

        /** {@link #label} in a sentence: "thread 'kscan'", or "thread 0x20001234" for a thread without a name. */
        public String inSentence() {
            return name.isEmpty() ? label() : "thread '" + name + "'";
        }

        /** The state for a report line, e.g. "pending (0x02)", or empty when the dump does not hold it. */
        public Optional<String> stateText() {
            return state.isPresent() ? Optional.of(ThreadState.text(state.getAsLong())) : Optional.empty();
        }
    }

    private ThreadLister() {
    }

    /** The thread-info offsets from the ELF, when it was built with CONFIG_DEBUG_THREAD_INFO. */
    public static Optional<Offsets> offsets(ElfFile elf) {
        Optional<ElfSymbol> table = elf.symbols().byName("_kernel_thread_info_offsets");
        Optional<ElfSymbol> count = elf.symbols().byName("_kernel_thread_info_num_offsets");
        Optional<ElfSymbol> size = elf.symbols().byName("_kernel_thread_info_size_t_size");
        if (table.isEmpty() || count.isEmpty() || size.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong n = elfWord(elf, count.get().address(), (int) Math.min(4, Math.max(1, count.get().size())));
        OptionalLong sz = elfWord(elf, size.get().address(), (int) Math.min(4, Math.max(1, size.get().size())));
        if (n.isEmpty() || sz.isEmpty() || sz.getAsLong() != 4) {
            return Optional.empty();
        }
        long entries = Math.min(n.getAsLong(), table.get().size() / 4);
        if (entries <= 0 || entries > 64) {
            return Optional.empty();
        }
        long[] v = new long[(int) entries];
        for (int i = 0; i < entries; i++) {
            OptionalLong w = elfWord(elf, table.get().address() + 4L * i, 4);
            if (w.isEmpty()) {
                return Optional.empty();
            }
            v[i] = w.getAsLong();
        }
        return Optional.of(new Offsets(v));
    }

    private static OptionalLong elfWord(ElfFile elf, long addr, int size) {
        for (ElfSection s : elf.sections()) {
            if (s.isAllocated() && s.hasFileData() && s.contains(addr) && s.contains(addr + size - 1)) {
                ByteView d = s.data();
                int o = (int) (addr - s.address());
                return OptionalLong.of(size == 1 ? d.u8(o) : size == 2 ? d.u16(o) : d.u32(o));
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Where a build keeps its thread fields: the thread-info table when the ELF has one; otherwise the same offsets
     * taken from the DWARF types of {@code struct k_thread} and {@code struct z_kernel} ({@link DwarfObjects}), where
     * a field the build left out (no CONFIG_THREAD_MONITOR: no {@code _kernel.threads}, {@code next_thread},
     * {@code entry}; no CONFIG_THREAD_NAME: no {@code name}) is marked unimplemented, as the table would. Only DWARF
     * knows {@code stack_info} (CONFIG_THREAD_STACK_INFO): {@code stackStart}/{@code stackSize} are its members'
     * offsets. {@code dwarf} is the reader behind a DWARF layout, which also finds the thread objects.
     */
    public record Layout(Offsets offsets, OptionalLong stackStart, OptionalLong stackSize, Optional<DwarfObjects> dwarf) {
        /** The build keeps all threads on {@code _kernel.threads} (CONFIG_THREAD_MONITOR). */
        public boolean hasThreadList() {
            return offsets.get(K_THREADS).isPresent() && offsets.get(T_NEXT_THREAD).isPresent();
        }
    }

    /** The thread-info table, else the layout from DWARF types; empty when neither describes the threads. */
    public static Optional<Layout> layout(ElfFile elf) {
        Optional<Offsets> table = offsets(elf);
        if (table.isPresent()) {
            return Optional.of(new Layout(table.get(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty()));
        }
        DwarfObjects dwarf = DwarfObjects.of(elf);
        return dwarf.hasDwarf() ? fromDwarf(dwarf) : Optional.empty();
    }

    static Optional<Layout> fromDwarf(DwarfObjects dwarf) {
        Optional<DwarfObjects.Layout> thread = dwarf.layout("k_thread");
        Optional<DwarfObjects.Layout> kernel = dwarf.layout("z_kernel");
        if (thread.isEmpty() || kernel.isEmpty()) {
            return Optional.empty();
        }
        DwarfObjects.Layout t = thread.get();
        DwarfObjects.Layout k = kernel.get();
        if (!k.has("cpus[0].current") || !t.has("callee_saved.psp") || !t.has("callee_saved.v1")
                || t.offset("callee_saved.psp").getAsLong() - t.offset("callee_saved.v1").getAsLong() != 32) {
            return Optional.empty();
        }
        long[] v = new long[T_ARM_EXC_RETURN + 1];
        v[VERSION] = 1;
        v[K_CURR_THREAD] = k.offset("cpus[0].current").getAsLong();
        v[K_THREADS] = k.offset("threads").orElse(UNIMPLEMENTED);
        v[T_ENTRY] = t.offset("entry").orElse(UNIMPLEMENTED);
        v[T_NEXT_THREAD] = t.offset("next_thread").orElse(UNIMPLEMENTED);
        v[T_STATE] = t.offset("base.thread_state").orElse(UNIMPLEMENTED);
        v[T_USER_OPTIONS] = t.offset("base.user_options").orElse(UNIMPLEMENTED);
        v[T_PRIO] = t.offset("base.prio").orElse(UNIMPLEMENTED);
        v[T_STACK_PTR] = t.offset("callee_saved.psp").getAsLong();
        v[T_NAME] = t.offset("name").orElse(UNIMPLEMENTED);
        v[T_ARCH] = t.offset("arch").orElse(UNIMPLEMENTED);
        v[T_PREEMPT_FLOAT] = relative(t, "arch.preempt_float", "arch");
        v[T_COOP_FLOAT] = UNIMPLEMENTED;
        v[T_ARM_EXC_RETURN] = relative(t, "arch.mode_exc_return", "arch");
        return Optional.of(new Layout(new Offsets(v), t.offset("stack_info.start"), t.offset("stack_info.size"), Optional.of(dwarf)));
    }

    private static long relative(DwarfObjects.Layout t, String member, String base) {
        return t.has(member) && t.has(base) ? t.offset(member).getAsLong() - t.offset(base).getAsLong() : UNIMPLEMENTED;
    }

    /**
     * Lists the threads: those on {@code _kernel.threads} when the build keeps that list; otherwise (no
     * CONFIG_THREAD_MONITOR, ZMK's default) every object of type {@code struct k_thread} that DWARF places at a fixed
     * address (z_idle_threads[0], z_main_thread, k_sys_work_q.thread, K_THREAD_DEFINE objects, ...) and that the dump
     * holds, plus {@code _kernel.cpus[0].current} if it is none of them. Objects that were never set up (saved sp 0)
     * and the kernel's dummy thread (state _THREAD_DUMMY) are not threads and are left out. Without a name field a
     * thread is named by its object, e.g. {@code z_idle_threads[0]}.
     *
     * @param kernel the 'T' block bytes (raw {@code _kernel}), or null to read {@code _kernel} from memory
     */
    public static List<ThreadEntry> list(ElfFile elf, Unwinder unwinder, Memory memory, byte[] kernel, UnwindOptions options) {
        Optional<Layout> layout = layout(elf);
        if (layout.isEmpty()) {
            return List.of();
        }
        Layout lay = layout.get();
        Offsets off = lay.offsets();
        OptionalLong current = OptionalLong.empty();
        OptionalLong head = OptionalLong.empty();
        if (kernel != null) {
            ByteView k = ByteView.of(kernel);
            current = field(k, off.get(K_CURR_THREAD));
            head = field(k, off.get(K_THREADS));
        } else {
            Optional<ElfSymbol> ks = elf.symbols().byName("_kernel");
            if (ks.isPresent()) {
                long base = ks.get().address();
                current = off.get(K_CURR_THREAD).isPresent() ? memory.u32(base + off.get(K_CURR_THREAD).getAsLong()) : OptionalLong.empty();
                head = off.get(K_THREADS).isPresent() ? memory.u32(base + off.get(K_THREADS).getAsLong()) : OptionalLong.empty();
            }
        }
        List<ThreadEntry> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        if (lay.hasThreadList() || lay.dwarf().isEmpty()) {
            long t = head.orElse(0);
            while (t != 0 && out.size() < MAX_THREADS && seen.add(t)) {
                boolean isCurrent = current.isPresent() && current.getAsLong() == t;
                out.add(thread(elf, unwinder, memory, lay, t, "", isCurrent, options));
                OptionalLong next = off.get(T_NEXT_THREAD).isPresent() ? memory.u32(t + off.get(T_NEXT_THREAD).getAsLong()) : OptionalLong.empty();
                t = next.orElse(0);
            }
            return withoutStackUseIfNeverFilled(out, memory);
        }
        List<DwarfObjects.Instance> objects = new ArrayList<>(lay.dwarf().get().instancesOf("k_thread"));
        long cur = current.orElse(0);
        if (cur != 0 && objects.stream().noneMatch(i -> i.address() == cur)) {
            objects.add(0, new DwarfObjects.Instance("", cur));
        }
        for (DwarfObjects.Instance object : objects) {
            long t = object.address();
            OptionalLong psp = memory.u32(t + off.get(T_STACK_PTR).getAsLong());
            OptionalLong state = at(memory, t, off.get(T_STATE), 1);
            if (out.size() >= MAX_THREADS || !seen.add(t) || psp.isEmpty() || psp.getAsLong() == 0
                    || state.isPresent() && (state.getAsLong() & ThreadState.DUMMY) != 0) {
                continue;
            }
            boolean isCurrent = current.isPresent() && current.getAsLong() == t;
            out.add(thread(elf, unwinder, memory, lay, t, object.expression(), isCurrent, options));
        }
        return withoutStackUseIfNeverFilled(out, memory);
    }

    /**
     * Stack use is measured against Zephyr's 0xAA fill (CONFIG_INIT_STACKS). When no listed stack holds a single run of
     * it, the build does not fill stacks (ZMK's default) and "used" would read as "all of it" for every thread: then
     * it is not known, and left out.
     */
    private static List<ThreadEntry> withoutStackUseIfNeverFilled(List<ThreadEntry> threads, Memory memory) {
        for (ThreadEntry e : threads) {
            if (e.stack().isPresent() && hasFillRun(memory, e.stack().get())) {
                return threads;
            }
        }
        List<ThreadEntry> out = new ArrayList<>();
        for (ThreadEntry e : threads) {
            out.add(new ThreadEntry(e.address(), e.name(), e.state(), e.priority(), e.entry(), e.current(), e.stack(), OptionalLong.empty(), e.backtrace()));
        }
        return out;
    }

    private static boolean hasFillRun(Memory memory, AddressRange stack) {
        long run = 0;
        for (long a = stack.start(); a < stack.end(); a++) {
            OptionalLong b = memory.u8(a);
            run = b.isPresent() && b.getAsLong() == 0xAA ? run + 1 : 0;
            if (run >= MIN_FILL_RUN) {
                return true;
            }
        }
        return false;
    }

    private static OptionalLong field(ByteView k, OptionalLong offset) {
        if (offset.isEmpty() || !k.has(offset.getAsLong(), 4)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(k.u32((int) offset.getAsLong()));
    }

    private static ThreadEntry thread(ElfFile elf, Unwinder unwinder, Memory memory, Layout lay, long t, String object, boolean current,
                                      UnwindOptions options) {
        Offsets off = lay.offsets();
        String name = off.get(T_NAME).isPresent() ? string(memory, t + off.get(T_NAME).getAsLong(), 32) : "";
        if (name.isEmpty()) {
            name = object;
        }
        OptionalLong state = at(memory, t, off.get(T_STATE), 1);
        OptionalLong prio = at(memory, t, off.get(T_PRIO), 1);
        if (prio.isPresent()) {
            prio = OptionalLong.of((byte) prio.getAsLong());
        }
        OptionalLong entry = at(memory, t, off.get(T_ENTRY), 4);
        OptionalLong psp = at(memory, t, off.get(T_STACK_PTR), 4);
        Optional<AddressRange> stack = stackInfo(memory, lay, t);
        OptionalLong unused = stack.isPresent() ? unusedFill(memory, stack.get()) : OptionalLong.empty();
        if (stack.isEmpty() && psp.isPresent()) {
            Optional<ElfSymbol> obj = elf.symbols().containing(psp.getAsLong() - 1).filter(ElfSymbol::isObject);
            if (obj.isPresent()) {
                AddressRange r = new AddressRange(obj.get().address(), obj.get().address() + obj.get().size());
                stack = Optional.of(r);
                unused = unusedFill(memory, r);
            }
        }
        Optional<Backtrace> bt = Optional.empty();
        if (!current && psp.isPresent()) {
            bt = Optional.of(unwindSaved(unwinder, memory, off, t, psp.getAsLong(), options));
        }
        return new ThreadEntry(t, name, state, prio, entry, current, stack, unused, bt);
    }

    /** The thread's own stack bounds, {@code stack_info.start/size}, when the layout knows them and they are sane. */
    private static Optional<AddressRange> stackInfo(Memory memory, Layout lay, long t) {
        if (lay.stackStart().isEmpty() || lay.stackSize().isEmpty()) {
            return Optional.empty();
        }
        OptionalLong start = memory.u32(t + lay.stackStart().getAsLong());
        OptionalLong size = memory.u32(t + lay.stackSize().getAsLong());
        if (start.isEmpty() || size.isEmpty() || size.getAsLong() == 0 || size.getAsLong() > 1 << 20
                || start.getAsLong() + size.getAsLong() > 0x1_0000_0000L) {
            return Optional.empty();
        }
        return Optional.of(new AddressRange(start.getAsLong(), start.getAsLong() + size.getAsLong()));
    }

    /** A switched-out thread: pop the frame at its saved psp, with r4–r11 from callee_saved. */
    static Backtrace unwindSaved(Unwinder unwinder, Memory memory, Offsets off, long t, long psp, UnwindOptions options) {
        long calleeSaved = t + off.get(T_STACK_PTR).getAsLong() - 32;
        RegisterSet regs = RegisterSet.empty();
        for (int i = 0; i < 8; i++) {
            regs = regs.with(4 + i, memory.u32(calleeSaved + 4L * i));
        }
        boolean extended = false;
        if (off.get(T_ARCH).isPresent() && off.get(T_ARM_EXC_RETURN).isPresent()) {
            OptionalLong exc = memory.u8(t + off.get(T_ARCH).getAsLong() + off.get(T_ARM_EXC_RETURN).getAsLong());
            extended = exc.isPresent() && (exc.getAsLong() & 0x10) == 0;
        }
        try {
            RegisterSet popped = ExceptionFrames.pop(memory, psp, extended, regs, options.dumpTruncated());
            popped = popped.with(RegisterSet.PSP, popped.value(RegisterSet.SP));
            return unwinder.unwind(memory, popped, options);
        } catch (UnwindStop e) {
            return new Backtrace(List.of(), e.reason());
        }
    }

    private static OptionalLong at(Memory memory, long t, OptionalLong offset, int size) {
        if (offset.isEmpty()) {
            return OptionalLong.empty();
        }
        long a = t + offset.getAsLong();
        return size == 1 ? memory.u8(a) : memory.u32(a);
    }

    private static String string(Memory memory, long addr, int max) {
        byte[] b = new byte[max];
        int n = 0;
        while (n < max) {
            OptionalLong c = memory.u8(addr + n);
            if (c.isEmpty() || c.getAsLong() == 0) {
                break;
            }
            b[n++] = (byte) c.getAsLong();
        }
        return SafeText.of(new String(b, 0, n, StandardCharsets.UTF_8));
    }

    /**
     * Bytes of the stack object below the thread's deepest use, counted from its low end: Zephyr's 0xAA fill that is
     * still untouched, plus an MPU guard below it. Zephyr carves the guard (32 bytes, more with FP sharing) from the
     * object's low end and fills only the thread's {@code stack_info} range above it; the guard holds whatever was
     * there and is absent from THREADS and MIN dumps. So the fill may start at the first dumped byte, or at a multiple
     * of 32 bytes within the first {@link #MAX_UNDUMPED_GUARD}, where a run of at least {@link #MIN_FILL_RUN} 0xAA
     * bytes starts (a shorter run there could be stack data). Without any fill the stack counts as used from its
     * first dumped byte up. Empty when none of its first {@link #MAX_UNDUMPED_GUARD} bytes is in the dump.
     */
    static OptionalLong unusedFill(Memory memory, AddressRange stack) {
        long limit = Math.min(stack.length(), MAX_UNDUMPED_GUARD);
        long first = 0;
        while (first < limit && memory.u8(stack.start() + first).isEmpty()) {
            first++;
        }
        if (first >= limit) {
            return OptionalLong.empty();
        }
        long run = fillRun(memory, stack.start() + first, stack.end());
        if (run > 0) {
            return OptionalLong.of(first + run);
        }
        for (long g = (first / 32 + 1) * 32; g < limit; g += 32) {
            run = fillRun(memory, stack.start() + g, stack.end());
            if (run >= MIN_FILL_RUN) {
                return OptionalLong.of(g + run);
            }
        }
        return OptionalLong.of(first);
    }

    private static long fillRun(Memory memory, long from, long end) {
        long a = from;
        while (a < end) {
            OptionalLong b = memory.u8(a);
            if (b.isEmpty() || b.getAsLong() != 0xAA) {
                break;
            }
            a++;
        }
        return a - from;
    }
}
