package dev.zmkagent.device.flash;

import java.util.Optional;

/**
 * What the caller knows beyond the UF2 and the bootloader.
 *
 * @param variant        the ZMK variant the user says this firmware is (zmk, zmk_debug...); empty = infer
 * @param elfHasCoredump whether the firmware's ELF has Zephyr's coredump code (judged by the caller, who reads ELFs)
 * @param dumpVariant    the variant whose partition holds a dump on the device now (found by pre-flash capture)
 */
public record CheckOptions(Optional<String> variant, Optional<Boolean> elfHasCoredump, Optional<String> dumpVariant) {
    public static CheckOptions none() {
        return new CheckOptions(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public CheckOptions withDumpVariant(Optional<String> v) {
        return new CheckOptions(variant, elfHasCoredump, v);
    }
}
