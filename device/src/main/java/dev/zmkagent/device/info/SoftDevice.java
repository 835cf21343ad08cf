package dev.zmkagent.device.info;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Nordic SoftDevice as INFO_UF2.TXT names it ("S140 6.1.1"), with the application start it implies.
 * Sizes from the SoftDevice info structs (S140 6.x ends at 0x26000, S140 7.x at 0x27000).
 */
public record SoftDevice(int id, int major, int minor, int patch) {
    private static final Pattern FORM = Pattern.compile("S(\\d+)\\s+(?:version\\s+)?(\\d+)\\.(\\d+)\\.(\\d+)", Pattern.CASE_INSENSITIVE);

    /** Parses "S140 6.1.1" or the 0.4.0–0.6.2 form "S140 version 6.1.1"; empty for "not found" or anything else. */
    public static Optional<SoftDevice> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SoftDevice(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Where the application starts above this SoftDevice, when we know its size. */
    public OptionalLong appStart() {
        if (id == 140 && major == 6) {
            return OptionalLong.of(0x26000);
        }
        if (id == 140 && major == 7) {
            return OptionalLong.of(0x27000);
        }
        return OptionalLong.empty();
    }

    /** The firmware ID the serial DFU init packet may require (0xFFFE = any). */
    public OptionalLong firmwareId() {
        if (id == 140 && major == 6 && minor == 1 && patch == 1) {
            return OptionalLong.of(0x00B6);
        }
        if (id == 140 && major == 7 && minor == 3 && patch == 0) {
            return OptionalLong.of(0x0123);
        }
        return OptionalLong.empty();
    }

    @Override
    public String toString() {
        return "S" + id + " " + major + "." + minor + "." + patch;
    }
}
