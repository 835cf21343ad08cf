package dev.zmkagent.coredump.cortexm;

/**
 * Zephyr's fatal error reasons (k_fatal_error_reason, 0–4) and the ARM ones (k_fatal_error_reason_arch, 16–55),
 * with a plain-English meaning. Zephyr's own Python parser names only 0–4 and prints "Unknown" for the rest.
 */
public final class FaultReason {
    private static final String[][] GENERIC = {
        {"K_ERR_CPU_EXCEPTION", "CPU exception (a fault the architecture code did not classify further)"},
        {"K_ERR_SPURIOUS_IRQ", "spurious interrupt: an interrupt fired that has no handler"},
        {"K_ERR_STACK_CHK_FAIL", "stack overflow: a thread or interrupt ran past the end of its stack"},
        {"K_ERR_KERNEL_OOPS", "kernel oops: k_oops() or a failed check in thread context"},
        {"K_ERR_KERNEL_PANIC", "kernel panic: k_panic() or a failed __ASSERT"},
    };

    private static final String[][] ARM = {
        {"MEM_GENERIC", "memory management fault"},
        {"MEM_STACKING", "memory management fault while stacking the exception frame (often a stack overflow)"},
        {"MEM_UNSTACKING", "memory management fault while unstacking on exception return"},
        {"MEM_DATA_ACCESS", "memory management fault: data access violation (MPU)"},
        {"MEM_INSTRUCTION_ACCESS", "memory management fault: instruction fetch from a protected or execute-never region"},
        {"MEM_FP_LAZY_STATE_PRESERVATION", "memory management fault during lazy FPU state preservation"},
        {"BUS_GENERIC", "bus fault"},
        {"BUS_STACKING", "bus fault while stacking the exception frame (often a stack overflow)"},
        {"BUS_UNSTACKING", "bus fault while unstacking on exception return"},
        {"BUS_PRECISE_DATA_BUS", "bus fault: precise data access error (a load or store hit an invalid address)"},
        {"BUS_IMPRECISE_DATA_BUS", "bus fault: imprecise data access error (a buffered write failed; pc is after the culprit)"},
        {"BUS_INSTRUCTION_BUS", "bus fault: instruction fetch error"},
        {"BUS_FP_LAZY_STATE_PRESERVATION", "bus fault during lazy FPU state preservation"},
        {"USAGE_GENERIC", "usage fault"},
        {"USAGE_DIV_0", "usage fault: integer divide by zero"},
        {"USAGE_UNALIGNED_ACCESS", "usage fault: unaligned memory access"},
        {"USAGE_STACK_OVERFLOW", "usage fault: stack overflow (stack limit register)"},
        {"USAGE_NO_COPROCESSOR", "usage fault: coprocessor (FPU) instruction while the coprocessor is disabled"},
        {"USAGE_ILLEGAL_EXC_RETURN", "usage fault: illegal EXC_RETURN value on exception return"},
        {"USAGE_ILLEGAL_EPSR", "usage fault: invalid EPSR state, e.g. a jump to an even address or through a NULL function pointer"},
        {"USAGE_UNDEFINED_INSTRUCTION", "usage fault: undefined instruction"},
        {"SECURE_GENERIC", "secure fault"},
        {"SECURE_ENTRY_POINT", "secure fault: invalid entry point"},
        {"SECURE_INTEGRITY_SIGNATURE", "secure fault: invalid integrity signature"},
        {"SECURE_EXCEPTION_RETURN", "secure fault: invalid exception return"},
        {"SECURE_ATTRIBUTION_UNIT", "secure fault: attribution unit violation"},
        {"SECURE_TRANSITION", "secure fault: invalid transition"},
        {"SECURE_LAZY_STATE_PRESERVATION", "secure fault during lazy state preservation"},
        {"SECURE_LAZY_STATE_ERROR", "secure fault: lazy state error"},
        {"UNDEFINED_INSTRUCTION", "undefined instruction (Cortex-A/R)"},
        {"ALIGNMENT_FAULT", "alignment fault (Cortex-A/R)"},
        {"BACKGROUND_FAULT", "background fault (Cortex-A/R)"},
        {"PERMISSION_FAULT", "permission fault (Cortex-A/R)"},
        {"SYNC_EXTERNAL_ABORT", "synchronous external abort (Cortex-A/R)"},
        {"ASYNC_EXTERNAL_ABORT", "asynchronous external abort (Cortex-A/R)"},
        {"SYNC_PARITY_ERROR", "synchronous parity error (Cortex-A/R)"},
        {"ASYNC_PARITY_ERROR", "asynchronous parity error (Cortex-A/R)"},
        {"DEBUG_EVENT", "debug event (Cortex-A/R)"},
        {"TRANSLATION_FAULT", "translation fault (Cortex-A/R)"},
        {"UNSUPPORTED_EXCLUSIVE_ACCESS_FAULT", "unsupported exclusive access fault (Cortex-A/R)"},
    };

    private FaultReason() {
    }

    public static String name(long code) {
        if (code >= 0 && code < GENERIC.length) {
            return GENERIC[(int) code][0];
        }
        if (code >= 16 && code < 16 + ARM.length) {
            return "K_ERR_ARM_" + ARM[(int) code - 16][0];
        }
        return "UNKNOWN_" + code;
    }

    public static String meaning(long code) {
        if (code >= 0 && code < GENERIC.length) {
            return GENERIC[(int) code][1];
        }
        if (code >= 16 && code < 16 + ARM.length) {
            return ARM[(int) code - 16][1];
        }
        return "reason code " + code + " is not one Zephyr defines (a build with custom reasons?)";
    }
}
