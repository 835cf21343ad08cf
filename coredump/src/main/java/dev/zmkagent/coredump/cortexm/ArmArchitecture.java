package dev.zmkagent.coredump.cortexm;

import dev.zmkagent.coredump.elf.ArmAttributes;
import dev.zmkagent.coredump.elf.ElfFile;

/**
 * The M-profile architecture a firmware was built for, from the ELF's {@code Tag_CPU_arch} build attribute. Zephyr's
 * Cortex-M code differs between them where the analysis cares: on Armv8-M Mainline (Cortex-M33, nRF5340, nRF54L)
 * Zephyr 4.1 stores the dump's sp without the xPSR bit-9 adjustment it makes on Armv7-M, and the core has stack-limit
 * registers (PSPLIM/MSPLIM) that stop a thread at the bottom of its stack.
 */
public enum ArmArchitecture {
    ARMV6_M("Armv6-M"),
    ARMV7_M("Armv7-M"),
    ARMV7E_M("Armv7E-M"),
    ARMV8_M_BASELINE("Armv8-M Baseline"),
    ARMV8_M_MAINLINE("Armv8-M Mainline"),
    ARMV8_1_M_MAINLINE("Armv8.1-M Mainline"),
    UNKNOWN("unknown architecture");

    private final String text;

    ArmArchitecture(String text) {
        this.text = text;
    }

    /** ARM ABI build attributes: Tag_CPU_arch 10 = v7 (v7-M with profile 'M'), 11 = v6-M, 13 = v7E-M, 16/17 = v8-M, 21 = v8.1-M. */
    public static ArmArchitecture ofTagCpuArch(int tag) {
        switch (tag) {
            case 10: return ARMV7_M;
            case 11:
            case 12: return ARMV6_M;
            case 13: return ARMV7E_M;
            case 16: return ARMV8_M_BASELINE;
            case 17: return ARMV8_M_MAINLINE;
            case 21: return ARMV8_1_M_MAINLINE;
            default: return UNKNOWN;
        }
    }

    public static ArmArchitecture of(ElfFile elf) {
        return ArmAttributes.cpuArch(elf).stream().mapToObj(ArmArchitecture::ofTagCpuArch).findFirst().orElse(UNKNOWN);
    }

    /**
     * Zephyr's CONFIG_ARMV8_M_MAINLINE: Armv8-M with the Main Extension. Armv8.1-M Mainline (Cortex-M55/M85) counts
     * too, since Zephyr selects ARMV8_M_MAINLINE for it as well.
     */
    public boolean isArmv8mMainline() {
        return this == ARMV8_M_MAINLINE || this == ARMV8_1_M_MAINLINE;
    }

    /** The PSPLIM/MSPLIM stack-limit registers exist (every Armv8-M core). */
    public boolean hasStackLimit() {
        return this == ARMV8_M_BASELINE || isArmv8mMainline();
    }

    @Override
    public String toString() {
        return text;
    }
}
