package dev.zmkagent.device.flash;

import java.util.Optional;
import java.util.Set;

/**
 * What the caller knows beyond the UF2 and the bootloader.
 *
 * @param variant        the ZMK variant the user says this firmware is (zmk, zmk_debug...); empty = infer
 * @param elfHasCoredump whether the firmware's ELF has Zephyr's coredump code (judged by the caller, who reads ELFs)
 * @param dumpVariant    the variant whose partition holds a dump on the device now (found by pre-flash capture)
 * @param waived         safety checks the user explicitly turned off
 */
public record CheckOptions(Optional<String> variant, Optional<Boolean> elfHasCoredump, Optional<String> dumpVariant, Set<Waiver> waived) {
    /** A check that refuses by default and that only an explicit option turns off. */
    public enum Waiver {
        /** Flash a drive whose coredump partition cannot be read (no CURRENT.UF2): a dump there is lost unsaved. */
        DUMP_CHECK,
        /** Flash although the bootloader reports no SoftDevice (the firmware cannot run until it is restored). */
        SOFTDEVICE_CHECK
    }

    public CheckOptions {
        waived = Set.copyOf(waived);
    }

    public CheckOptions(Optional<String> variant, Optional<Boolean> elfHasCoredump, Optional<String> dumpVariant) {
        this(variant, elfHasCoredump, dumpVariant, Set.of());
    }

    public static CheckOptions none() {
        return new CheckOptions(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public CheckOptions withDumpVariant(Optional<String> v) {
        return new CheckOptions(variant, elfHasCoredump, v, waived);
    }

    public boolean waives(Waiver w) {
        return waived.contains(w);
    }
}
