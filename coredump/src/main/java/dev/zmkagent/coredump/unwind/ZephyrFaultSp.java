package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.cortexm.ArmArchitecture;

/**
 * The {@code sp} Zephyr 4.1 writes into the coredump's arch block for an exception frame, as
 * {@code z_arm_set_fault_sp()} in arch/arm/include/cortex_m/exception.h computes it: the frame's address plus the
 * basic frame (32 bytes), plus the FP part (72 bytes) for an extended frame (with CONFIG_FPU_SHARING), and, on
 * Armv7-M only, {@code |= 4} when the stacked xPSR has bit 9 (the core padded the frame to 8 bytes). On Armv8-M
 * Mainline (CONFIG_ARMV8_M_MAINLINE) Zephyr leaves bit 9 alone, so there the stored sp is 4 bytes below the
 * interrupted context's real sp whenever the core padded.
 *
 * <p>Zephyr 3.x stored the frame's address itself (fault.c: {@code z_arm_coredump_fault_sp = esf}), on every
 * architecture.
 */
public final class ZephyrFaultSp {
    private ZephyrFaultSp() {
    }

    /** The arch block's sp for a frame at {@code frameAddress}, by Zephyr 4.1's rule for {@code arch}. */
    public static long v41(long frameAddress, boolean extended, long stackedXpsr, ArmArchitecture arch) {
        long sp = frameAddress + ExceptionFrames.BASIC_FRAME_BYTES;
        if (extended) {
            sp += ExceptionFrames.EXTENDED_FRAME_BYTES - ExceptionFrames.BASIC_FRAME_BYTES;
        }
        if (!arch.isArmv8mMainline() && (stackedXpsr & (1L << 9)) != 0) {
            sp |= 4;
        }
        return sp & 0xFFFF_FFFFL;
    }

}
