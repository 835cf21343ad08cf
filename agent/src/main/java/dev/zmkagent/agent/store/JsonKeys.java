package dev.zmkagent.agent.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every JSON the tool writes uses snake_case keys. Files written before that (capture.json, firmware.json with
 * {@code capturedAt}, {@code elfSha256}...) are read through {@link #snakeCase}, so old captures and registered builds
 * keep working and are rewritten in the new style when they are next updated.
 */
public final class JsonKeys {
    private JsonKeys() {
    }

    /** The same tree with every map key in snake_case ({@code bytesReadBeforeReport} → {@code bytes_read_before_report}). */
    @SuppressWarnings("unchecked")
    public static <T> T snakeCase(T json) {
        if (json instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = key(String.valueOf(e.getKey()));
                // A key already in the new style wins over its old spelling.
                if (!out.containsKey(k) || k.equals(e.getKey())) {
                    out.put(k, snakeCase(e.getValue()));
                }
            }
            return (T) out;
        }
        if (json instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(snakeCase(o));
            }
            return (T) out;
        }
        return json;
    }

    /** {@code elfSha256} → {@code elf_sha256}, {@code currentUf2Size} → {@code current_uf2_size}; snake_case stays as it is. */
    public static String key(String k) {
        StringBuilder s = new StringBuilder(k.length() + 4);
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                s.append('_').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
