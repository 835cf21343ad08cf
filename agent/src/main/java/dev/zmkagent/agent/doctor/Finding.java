package dev.zmkagent.agent.doctor;

import java.util.Optional;

/**
 * One line of `zmk-agent doctor`: what was checked, whether it is fine, and the command that fixes it.
 *
 * @param check short stable id for --json ("udev_rule", "notifications", ...)
 * @param label what the line is about, as the text output names it
 * @param fix   the command (or step) that fixes it; empty when OK
 */
public record Finding(String check, String label, Status status, String message, Optional<String> fix) {
    /** OK; a problem that costs something (notifications, serial DFU) but not the capture; one that stops it. */
    public enum Status {
        OK, ADVISORY, BLOCKING;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Finding ok(String check, String label, String message) {
        return new Finding(check, label, Status.OK, message, Optional.empty());
    }

    public static Finding advisory(String check, String label, String message, String fix) {
        return new Finding(check, label, Status.ADVISORY, message, Optional.ofNullable(fix));
    }

    public static Finding blocking(String check, String label, String message, String fix) {
        return new Finding(check, label, Status.BLOCKING, message, Optional.ofNullable(fix));
    }
}
