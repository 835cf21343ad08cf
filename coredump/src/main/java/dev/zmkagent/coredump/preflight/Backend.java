package dev.zmkagent.coredump.preflight;

import java.util.Optional;

/**
 * The coredump backends of Zephyr 4.1. coredump_core.c points its backend_api at exactly one global
 * {@code struct coredump_backend_api coredump_backend_<name>}, chosen by the Kconfig choice, so the object the
 * linker kept names the backend.
 */
public enum Backend {
    FLASH_PARTITION("coredump_backend_flash_partition", "CONFIG_DEBUG_COREDUMP_BACKEND_FLASH_PARTITION", "flash_partition"),
    LOGGING("coredump_backend_logging", "CONFIG_DEBUG_COREDUMP_BACKEND_LOGGING", "logging"),
    IN_MEMORY("coredump_backend_in_memory", "CONFIG_DEBUG_COREDUMP_BACKEND_IN_MEMORY", "in_memory"),
    INTEL_ADSP_MEM_WINDOW("coredump_backend_intel_adsp_mem_window", "CONFIG_DEBUG_COREDUMP_BACKEND_INTEL_ADSP_MEM_WINDOW",
            "intel_adsp_mem_window"),
    OTHER("coredump_backend_other", "CONFIG_DEBUG_COREDUMP_BACKEND_OTHER", "other");

    private final String symbol;
    private final String kconfig;
    private final String id;

    Backend(String symbol, String kconfig, String id) {
        this.symbol = symbol;
        this.kconfig = kconfig;
        this.id = id;
    }

    public String symbol() {
        return symbol;
    }

    public String kconfig() {
        return kconfig;
    }

    /** The name used in JSON and text output. */
    public String id() {
        return id;
    }

    static Optional<Backend> bySymbol(String name) {
        for (Backend b : values()) {
            if (b.symbol.equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }
}
