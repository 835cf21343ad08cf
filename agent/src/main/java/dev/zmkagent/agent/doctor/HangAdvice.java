package dev.zmkagent.agent.doctor;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.preflight.HangOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What to say when a coredump partition is erased after a freeze: Zephyr writes a dump only from z_fatal_error()
 * (CPU faults, k_oops/k_panic, failed asserts, stack checks), so an erased partition after a freeze means a hang.
 * The options that turn a hang into a dump are checked against the firmware's ELF when it is known.
 *
 * @param firmware the ELF the options were checked against (a registered build's name or a path), if any
 */
public record HangAdvice(Optional<String> firmware, List<HangOption> options) {
    public static final String HEADLINE = "No dump was written: this freeze was a hang, not a fault "
            + "(a fault, k_oops/k_panic or a failed assert would have written one; the coredump partition is erased).";

    public static HangAdvice of(Optional<ElfFile> elf, Optional<String> name) {
        if (elf.isPresent()) {
            return new HangAdvice(name.or(() -> Optional.of("the ELF")), HangOption.inspect(elf.get()));
        }
        return new HangAdvice(Optional.empty(), HangOption.unchecked());
    }

    /** One line per option: on, or the Kconfig lines to add. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (HangOption o : options) {
            if (o.on() && firmware.isPresent()) {
                out.add(o.name() + ": already on in " + firmware.get());
            } else {
                out.add(o.name() + ": add " + String.join(" ", o.kconfig()) + " to config/<board>.conf (" + o.how() + ")");
            }
        }
        if (firmware.isEmpty()) {
            out.add("(not checked against the firmware: register its zmk.elf with 'zmk-agent firmware add' to see which are already on)");
        }
        return out;
    }

    /** A short notification body: the options that are still off. */
    public String notificationBody() {
        List<String> off = new ArrayList<>();
        for (HangOption o : options) {
            if (!(o.on() && firmware.isPresent())) {
                off.add(o.kconfig().get(0));
            }
        }
        return "A hang, not a fault: no dump was written. " + (off.isEmpty() ? "Every hang option is on in " + firmware.orElse("the firmware") + "."
                : "To turn the next hang into a dump: " + String.join(", ", off) + " (zmk-agent doctor --elf zmk.elf).");
    }
}
