package dev.zmkagent.device.info;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * INFO_UF2.TXT of an Adafruit nRF52 bootloader, in every form it has had: the first line
 * "UF2 Bootloader &lt;version&gt; &lt;submodules&gt;", then "Key: value" lines in any order (0.4.0–0.6.2 put Date after
 * SoftDevice, 0.7.0 and later before it). SoftDevice reads "S140 version 6.1.1" (≤0.6.2), "S140 6.1.1" (≥0.7.0) or
 * "not found". Unknown lines are kept; nothing here throws on odd text, a missing field is just absent.
 */
public record InfoUf2(
        String firstLine,
        Optional<String> bootloaderVersion,
        Optional<String> model,
        Optional<String> boardId,
        Optional<String> date,
        Optional<String> softDeviceText,
        Optional<SoftDevice> softDevice,
        Map<String, String> fields) {

    /** The file is small; anything past this is not INFO_UF2.TXT content we need. */
    public static final int MAX_LENGTH = 4096;

    public static InfoUf2 parse(byte[] content) {
        int n = Math.min(content.length, MAX_LENGTH);
        return parse(new String(content, 0, n, StandardCharsets.ISO_8859_1));
    }

    public static InfoUf2 parse(String text) {
        // String.lines() ends lines at \n, \r\n and \r as the bootloader's file may; no regex (cheap, and quick to fuzz).
        List<String> lines = text.lines().toList();
        String first = "";
        Optional<String> version = Optional.empty();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("UF2 Bootloader")) {
                first = line;
                String rest = line.substring("UF2 Bootloader".length()).strip();
                if (!rest.isEmpty()) {
                    version = Optional.of(firstWord(rest));
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        Optional<String> sdText = Optional.ofNullable(fields.get("softdevice"));
        return new InfoUf2(first, version, Optional.ofNullable(fields.get("model")), Optional.ofNullable(fields.get("board-id")),
                Optional.ofNullable(fields.get("date")), sdText, sdText.flatMap(SoftDevice::parse), Map.copyOf(fields));
    }

    /** {@code text} up to its first ASCII white space (regex {@code \\s}). */
    private static String firstWord(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (" \t\n\u000B\f\r".indexOf(text.charAt(i)) >= 0) {
                return text.substring(0, i);
            }
        }
        return text;
    }

    /** True when the bootloader reported that no SoftDevice is installed. */
    public boolean softDeviceNotFound() {
        return softDeviceText.map(s -> s.toLowerCase(Locale.ROOT).contains("not found")).orElse(false);
    }
}
