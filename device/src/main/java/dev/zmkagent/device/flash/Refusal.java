package dev.zmkagent.device.flash;

/** One reason not to flash, as one line a user can act on. */
public record Refusal(Rule rule, String message) {
    public enum Rule {
        NOT_UF2,
        NO_APPLICATION_BLOCKS,
        BLOCK_IGNORED_BY_BOOTLOADER,
        FAMILY,
        BOOTLOADER_UPDATE,
        APP_START,
        OUTSIDE_WINDOW,
        NEVER_COMPLETES,
        REPEATED_ADDRESS,
        COREDUMP_OVERLAP,
        PAST_COREDUMP,
        UNKNOWN_VARIANT,
        NO_SOFTDEVICE,
        DUMP_UNREADABLE
    }
}
