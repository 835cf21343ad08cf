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
     * Checked against zephyrproject-rtos/zephyr (read with the search tool; the stored copies are of several dates,
     * the names below are the same in all of them):
     *
     * Task watchdog: subsys/task_wdt/Kconfig has {@code menuconfig TASK_WDT} (selects REBOOT), and inside it
     * {@code TASK_WDT_HW_FALLBACK} (default y), {@code TASK_WDT_MIN_TIMEOUT} (default 100 ms) and
     * {@code TASK_WDT_HW_FALLBACK_DELAY} (default 20, range 1-10000 ms). subsys/task_wdt/task_wdt.c: task_wdt_init()
     * installs the hardware timeout as TASK_WDT_MIN_TIMEOUT + TASK_WDT_HW_FALLBACK_DELAY and every feed (the
     * background channel at least every MIN_TIMEOUT) restarts it, so a channel callback gets at least
     * HW_FALLBACK_DELAY ms before the reset; task_wdt_trigger() runs the callback from the kernel timer, and a
     * channel without a callback calls sys_reboot(SYS_REBOOT_COLD): no dump. A callback that calls k_oops() makes the
     * hang a fatal error and so a dump, which must fit in that delay (erasing the 64 KiB partition is 16 nRF52840
     * pages of up to 85 ms, writing it 16384 words of up to 41 us, about 2.1 s in all: hence 3000).
     *
     * Hardware watchdog: drivers/watchdog/Kconfig has {@code menuconfig WATCHDOG} and sources Kconfig.nrfx inside
     * {@code if WATCHDOG}; drivers/watchdog/Kconfig.nrfx names the nRF driver {@code WDT_NRFX} (default y on
     * SOC_FAMILY_NRF; there is no CONFIG_WDT_NRF). drivers/watchdog/wdt_nrfx.c defines wdt_nrfx_driver_api and
     * wdt_nrf_setup (the symbols looked for); its callbacks run from the WDT interrupt. On nRF52 the chip resets two
     * 32.768 kHz cycles after that interrupt: no time to write a dump, so it serves only as the task watchdog's
     * fallback.
     *
     * Asserts: subsys/debug/Kconfig has {@code config ASSERT} ("__ASSERT() macro", default y only for tests);
     * lib/os/CMakeLists.txt builds lib/os/assert.c only with CONFIG_ASSERT, whose weak assert_post_action() ends in
     * k_panic() (k_oops() from a user thread): a fatal error with reason 4 instead of running on into a hang. The
     * newer assert.c (zephyr/llext/symbol.h era) keeps the weak assert_post_action, taking no arguments under
     * CONFIG_ASSERT_NO_FILE_INFO: the symbol looked for is the same.
     * (CONFIG_ASSERT_TEST would let the post action return; nobody sets it outside tests.)
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
