package dev.zmkagent.coredump.values;

import dev.zmkagent.coredump.memory.AddressRange;
import java.util.List;

/**
 * Words why a value is missing, with what the report knows about the dump: the ranges a truncated dump lost (and
 * where it was cut), the ranges it holds, whether the build saved r4-r11 at the fault. Each sentence names the cause
 * and, where a setting fixes it, the Kconfig line.
 */
public final class MissingReasons {
    /** nRF52840 RAM: an address here that the dump lacks was left out by the dump mode. */
    private static final AddressRange RAM = new AddressRange(0x2000_0000L, 0x2004_0000L);

    private final List<AddressRange> lost;
    private final List<AddressRange> dumped;
    private final boolean calleeSavedCollected;

    /**
     * @param lost                 what truncated memory blocks declared but did not store ([cut, declared end))
     * @param dumped               the memory ranges the dump holds
     * @param calleeSavedCollected whether the arch block holds r4-r11 (CONFIG_EXTRA_EXCEPTION_INFO)
     */
    public MissingReasons(List<AddressRange> lost, List<AddressRange> dumped, boolean calleeSavedCollected) {
        this.lost = List.copyOf(lost);
        this.dumped = List.copyOf(dumped);
        this.calleeSavedCollected = calleeSavedCollected;
    }

    /** For a thread whose saved context holds r4-r11 (a switched-out thread): register reasons change. */
    public MissingReasons withCalleeSaved() {
        return new MissingReasons(lost, dumped, true);
    }

    /**
     * @param outerFrame whether the value is in a caller frame (not the context's first frame), where caller-saved
     *                   registers were not preserved by the call
     */
    public String reason(Missing m, boolean outerFrame) {
        switch (m.kind()) {
            case OPTIMIZED_OUT:
                return m.detail().isEmpty() ? "optimized out: the compiler kept no location for it at this point of the code" : m.detail();
            case REGISTER:
                return register((int) m.number(), outerFrame);
            case MEMORY:
                return memory(m.number());
            case UNSUPPORTED:
                return "zmk-agent cannot evaluate its location: " + m.detail() + " is not supported";
            case NOT_EVALUATED:
                return "its location was read, but zmk-agent does not evaluate " + m.detail() + " (gdb prints the elements)";
            default:
                return "its location could not be evaluated: " + m.detail();
        }
    }

    static String registerName(int reg) {
        if (reg == 13) {
            return "sp";
        }
        if (reg == 14) {
            return "lr";
        }
        if (reg == 15) {
            return "pc";
        }
        if (reg >= 64 && reg < 96) {
            return "s" + (reg - 64);
        }
        if (reg >= 256 && reg < 288) {
            return "d" + (reg - 256);
        }
        return "r" + reg;
    }

    private String register(int reg, boolean outerFrame) {
        if (reg == Missing.CFA) {
            return "its location is relative to this frame's CFA (its caller's sp), which is not known: the backtrace ends at this frame";
        }
        String name = registerName(reg);
        if (reg >= 64) {
            return "it is in the floating-point register " + name + ", which a Zephyr coredump does not hold (an FPU exception frame"
                    + " only reserves room for s0-s15: with lazy FP stacking their values are never written there)";
        }
        if ((reg <= 3 || reg == 12) && outerFrame) {
            return "it is in " + name + ", a caller-saved register: its value in this caller's frame was not saved across the call,"
                    + " so no dump can hold it";
        }
        if (reg >= 4 && reg <= 11 && !calleeSavedCollected) {
            return "it is in " + name + ", which the dump does not hold: this build does not save r4-r11 at a fault"
                    + " (CONFIG_EXTRA_EXCEPTION_INFO is off; add CONFIG_EXTRA_EXCEPTION_INFO=y)";
        }
        if (reg == 13) {
            return "the stack pointer of this frame is not known";
        }
        return "it is in " + name + ", whose value in this frame could not be recovered";
    }

    private String memory(long address) {
        for (AddressRange r : lost) {
            if (r.contains(address)) {
                return String.format("0x%08x is past the truncation cut at 0x%08x: the dump was truncated"
                        + " (CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_LINKER_RAM saves all RAM, more than the coredump partition holds;"
                        + " set CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS=y or CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_MIN=y, or enlarge the partition)",
                        address, r.start());
            }
        }
        if (RAM.contains(address)) {
            return String.format("0x%08x is not in the dump: it holds only %s (a MIN or THREADS dump keeps the threads' stacks and kernel data;"
                    + " CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_LINKER_RAM=y saves all RAM, if the partition is large enough)", address, describeDumped());
        }
        return String.format("0x%08x is neither in the dump nor in the firmware image", address);
    }

    private String describeDumped() {
        if (dumped.isEmpty()) {
            return "no memory";
        }
        StringBuilder s = new StringBuilder();
        int shown = 0;
        for (AddressRange r : dumped) {
            if (shown == 4) {
                s.append(String.format(" and %d more", dumped.size() - shown));
                break;
            }
            s.append(shown == 0 ? "" : ", ").append(r);
            shown++;
        }
        return s.toString();
    }
}
