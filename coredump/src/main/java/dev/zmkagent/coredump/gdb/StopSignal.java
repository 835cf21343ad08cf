package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.cortexm.FaultReason;

/**
 * The signal the stop reply reports for a Zephyr fatal-error reason, in gdb's own numbering (signals.def, the
 * numbers RSP carries): gdb prints it as "Program received signal ...", so it should say what kind of stop this was.
 * A memory fault is SIGSEGV, a bus error SIGBUS, an illegal instruction or invalid state SIGILL, a divide by zero
 * SIGFPE, an oops, panic or failed assert SIGABRT; anything else (generic CPU exception, stack overflow, reasons we
 * do not know) SIGSEGV, the signal gdb users expect for a crash.
 */
public final class StopSignal {
    public static final int SIGILL = 4;
    public static final int SIGTRAP = 5;
    public static final int SIGABRT = 6;
    public static final int SIGFPE = 8;
    public static final int SIGBUS = 10;
    public static final int SIGSEGV = 11;

    private StopSignal() {
    }

    public static int forReason(long reason) {
        String name = FaultReason.name(reason);
        if (name.equals("K_ERR_KERNEL_OOPS") || name.equals("K_ERR_KERNEL_PANIC")) {
            return SIGABRT;
        }
        if (name.equals("K_ERR_ARM_USAGE_DIV_0")) {
            return SIGFPE;
        }
        if (name.equals("K_ERR_ARM_USAGE_UNALIGNED_ACCESS") || name.startsWith("K_ERR_ARM_BUS_")) {
            return SIGBUS;
        }
        if (name.equals("K_ERR_ARM_USAGE_UNDEFINED_INSTRUCTION") || name.equals("K_ERR_ARM_USAGE_ILLEGAL_EPSR")
                || name.equals("K_ERR_ARM_USAGE_NO_COPROCESSOR") || name.equals("K_ERR_ARM_USAGE_ILLEGAL_EXC_RETURN")) {
            return SIGILL;
        }
        return SIGSEGV;
    }
}
