package dev.zmkagent.coredump.preflight;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.SymbolTable;
import java.util.List;

/**
 * A firmware option that turns a hang (which writes no dump: only z_fatal_error() calls coredump()) into a fatal
 * error that does, with its exact Kconfig lines and whether the ELF already has it (by a symbol only that option
 * links in).
 */
public record HangOption(String name, List<String> kconfig, boolean on, String how) {

    /**
     * Task watchdog: subsys/task_wdt/Kconfig (TASK_WDT, TASK_WDT_HW_FALLBACK, TASK_WDT_HW_FALLBACK_DELAY range 1-10000
     * ms) and task_wdt.c (task_wdt_init). A channel that is not fed in time calls its callback from the kernel timer;
     * a callback that calls k_oops() makes that a fatal error and so a dump. The hardware fallback fires
     * TASK_WDT_HW_FALLBACK_DELAY ms later: that delay must cover the dump (flattening the 64 KiB partition is 16 nRF52840
     * pages of up to 85 ms, writing it 16384 words of up to 41 us, about 2.1 s in all).
     *
     * Hardware watchdog: drivers/watchdog/wdt_nrfx.c (wdt_nrfx_driver_api; callbacks run from the WDT interrupt). On
     * nRF52 the chip resets two 32.768 kHz cycles after that interrupt: no time to write a dump, so it serves only as
     * the task watchdog's fallback.
     *
     * Asserts: CONFIG_ASSERT builds lib/os/assert.c (assert_post_action), and a failed __ASSERT() ends in k_panic(),
     * a fatal error with reason 4, instead of running on into a hang.
     */
    public static List<HangOption> inspect(ElfFile elf) {
        return options(elf.symbols());
    }

    /** The options with none known to be on (no ELF to look in). */
    public static List<HangOption> unchecked() {
        return options(null);
    }

    private static List<HangOption> options(SymbolTable s) {
        return List.of(
                new HangOption("task watchdog with a pre-timeout k_oops()",
                        List.of("CONFIG_TASK_WDT=y", "CONFIG_TASK_WDT_HW_FALLBACK=y", "CONFIG_TASK_WDT_HW_FALLBACK_DELAY=3000"),
                        has(s, "task_wdt_init"),
                        "task_wdt_add() a channel per watched thread with a callback that calls k_oops(), feed it from that thread"),
                new HangOption("hardware watchdog as the fallback",
                        List.of("CONFIG_WATCHDOG=y", "CONFIG_WDT_NRFX=y"),
                        has(s, "wdt_nrfx_driver_api") || has(s, "wdt_nrf_setup"),
                        "resets a hang the task watchdog missed (it leaves no time for a dump itself)"),
                new HangOption("asserts",
                        List.of("CONFIG_ASSERT=y"),
                        has(s, "assert_post_action"),
                        "a failed __ASSERT() panics (a dump, reason 4) instead of running on into a hang"));
    }

    private static boolean has(SymbolTable s, String name) {
        return s != null && s.byName(name).isPresent();
    }
}
