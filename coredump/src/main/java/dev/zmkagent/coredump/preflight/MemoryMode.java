package dev.zmkagent.coredump.preflight;

/**
 * The choice "Memory dump" in subsys/debug/coredump/Kconfig (Zephyr 4.1), with the Kconfig symbol that selects it.
 */
public enum MemoryMode {
    /** CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_LINKER_RAM (the default): every region of z_coredump_memory_regions[]. */
    LINKER_RAM("CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_LINKER_RAM"),
    /** CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS: every thread's struct and stack, then the interrupt stack. */
    THREADS("CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS"),
    /** CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_MIN: the faulting thread's struct and stack only. */
    MIN("CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_MIN");

    private final String kconfig;

    MemoryMode(String kconfig) {
        this.kconfig = kconfig;
    }

    public String kconfig() {
        return kconfig;
    }
}
