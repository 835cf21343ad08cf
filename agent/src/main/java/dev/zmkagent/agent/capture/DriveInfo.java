package dev.zmkagent.agent.capture;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What INFO_UF2.TXT says about the bootloader (Adafruit nRF52: "UF2 Bootloader 0.6.0 lib/nrfx ...", "Model:",
 * "Board-ID:", "SoftDevice:", "Date:"). Every field is optional: other bootloaders write fewer lines.
 */
public record DriveInfo(String text, Optional<String> bootloaderVersion, Optional<String> model, Optional<String> boardId,
                        Optional<String> softDevice, Optional<String> date) {
    private static final Pattern VERSION = Pattern.compile("UF2 Bootloader\\s+v?([0-9][^\\s]*)");

    public static DriveInfo parse(String text) {
        Matcher m = VERSION.matcher(text);
        return new DriveInfo(text, m.find() ? Optional.of(m.group(1)) : Optional.empty(), field(text, "Model"), field(text, "Board-ID"),
                field(text, "SoftDevice"), field(text, "Date"));
    }

    private static Optional<String> field(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":\\s*([^\\r\\n]*)").matcher(text);
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }

    public String describe() {
        return model.orElse("unknown board") + ", bootloader " + bootloaderVersion.orElse("of unknown version");
    }
}
