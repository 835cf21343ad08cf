package dev.zmkagent.coredump.cortexm;

import dev.zmkagent.coredump.memory.Memory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The System Control Block fault registers (CFSR 0xE000ED28, HFSR 0xE000ED2C, DFSR 0xE000ED30, MMFAR 0xE000ED34,
 * BFAR 0xE000ED38), decoded into sentences. Zephyr's arch block does not carry them; they are only known when the
 * dump includes that memory region.
 */
public record FaultStatus(long cfsr, long hfsr, long mmfar, long bfar) {
    public static final long CFSR = 0xE000ED28L;
    public static final long HFSR = 0xE000ED2CL;
    public static final long MMFAR = 0xE000ED34L;
    public static final long BFAR = 0xE000ED38L;

    public static Optional<FaultStatus> from(Memory memory) {
        if (!memory.has(CFSR, 0x14)) {
            return Optional.empty();
        }
        return Optional.of(new FaultStatus(memory.u32(CFSR).orElseThrow(), memory.u32(HFSR).orElseThrow(),
                memory.u32(MMFAR).orElseThrow(), memory.u32(BFAR).orElseThrow()));
    }

    /** The faulting data address when the hardware latched one (BFARVALID or MMARVALID). */
    public java.util.OptionalLong faultAddress() {
        if ((cfsr & 0x8000) != 0) {
            return java.util.OptionalLong.of(bfar);
        }
        if ((cfsr & 0x80) != 0) {
            return java.util.OptionalLong.of(mmfar);
        }
        return java.util.OptionalLong.empty();
    }

    public List<String> sentences() {
        List<String> s = new ArrayList<>();
        long mmfsr = cfsr & 0xFF;
        long bfsr = (cfsr >> 8) & 0xFF;
        long ufsr = (cfsr >> 16) & 0xFFFF;
        if ((hfsr & (1L << 30)) != 0) {
            s.add("HardFault was escalated from a configurable fault (FORCED): see the fault below.");
        }
        if ((hfsr & (1L << 1)) != 0) {
            s.add("HardFault on a vector table read during exception processing (VECTTBL).");
        }
        if ((hfsr & (1L << 31)) != 0) {
            s.add("HardFault caused by a debug event (DEBUGEVT).");
        }
        if ((mmfsr & 0x01) != 0) s.add("MemManage: instruction fetch from a location that does not permit execution (IACCVIOL).");
        if ((mmfsr & 0x02) != 0) s.add("MemManage: data access violation (DACCVIOL).");
        if ((mmfsr & 0x08) != 0) s.add("MemManage: fault while unstacking on exception return (MUNSTKERR).");
        if ((mmfsr & 0x10) != 0) s.add("MemManage: fault while stacking for exception entry (MSTKERR), often a stack overflow.");
        if ((mmfsr & 0x20) != 0) s.add("MemManage: fault during lazy floating-point state preservation (MLSPERR).");
        if ((mmfsr & 0x80) != 0) s.add(String.format("MemManage fault address: 0x%08x (MMARVALID).", mmfar));
        if ((bfsr & 0x01) != 0) s.add("BusFault: instruction fetch error (IBUSERR).");
        if ((bfsr & 0x02) != 0) s.add("BusFault: precise data access error (PRECISERR): the faulting instruction is at pc.");
        if ((bfsr & 0x04) != 0) s.add("BusFault: imprecise data access error (IMPRECISERR): pc is past the faulting store.");
        if ((bfsr & 0x08) != 0) s.add("BusFault: fault while unstacking on exception return (UNSTKERR).");
        if ((bfsr & 0x10) != 0) s.add("BusFault: fault while stacking for exception entry (STKERR), often a stack overflow.");
        if ((bfsr & 0x20) != 0) s.add("BusFault: fault during lazy floating-point state preservation (LSPERR).");
        if ((bfsr & 0x80) != 0) s.add(String.format("BusFault address: 0x%08x (BFARVALID).", bfar));
        if ((ufsr & 0x0001) != 0) s.add("UsageFault: undefined instruction (UNDEFINSTR).");
        if ((ufsr & 0x0002) != 0) s.add("UsageFault: invalid state (INVSTATE): execution in ARM state, e.g. a branch to an even address or a NULL function pointer.");
        if ((ufsr & 0x0004) != 0) s.add("UsageFault: invalid PC load on exception return (INVPC).");
        if ((ufsr & 0x0008) != 0) s.add("UsageFault: coprocessor access while the coprocessor is disabled (NOCP).");
        if ((ufsr & 0x0010) != 0) s.add("UsageFault: stack overflow detected by the stack limit (STKOF).");
        if ((ufsr & 0x0100) != 0) s.add("UsageFault: unaligned memory access (UNALIGNED).");
        if ((ufsr & 0x0200) != 0) s.add("UsageFault: integer divide by zero (DIVBYZERO).");
        if (s.isEmpty()) {
            s.add("No fault status bits are set (the fault was not a CPU fault, or the status was cleared before the dump).");
        }
        return s;
    }
}
