package dev.zmkagent.agent.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the systemd user unit that runs {@code zmk-agent watch} tells the watch: the {@code --media} folders on its
 * {@code ExecStart=} line and the {@code Environment=} assignments (ZMK_AGENT_MEDIA_ROOTS among them), so doctor
 * checks the folders that watch really watches. The unit is the one systemd uses: the user's own
 * (~/.config/systemd/user) before /etc/systemd/user before the package's /usr/lib/systemd/user.
 *
 * @param file  the unit file read, as the machine names it; empty when none is installed
 * @param media the {@code --media} folders, in order
 * @param env   the {@code Environment=} variables
 */
public record WatchUnit(Optional<String> file, List<java.nio.file.Path> media, Map<String, String> env) {
    static final WatchUnit NONE = new WatchUnit(Optional.empty(), List.of(), Map.of());

    public WatchUnit {
        media = List.copyOf(media);
        env = Map.copyOf(env);
    }

    /** The unit systemd would run, on {@code m}; {@link #NONE} when none is installed or it cannot be read. */
    static WatchUnit read(Machine m) {
        List<Path> files = new ArrayList<>();
        files.add(m.configHome().resolve("systemd/user").resolve(UserUnitCheck.UNIT));
        for (String f : UserUnitCheck.SYSTEM_FOLDERS) {
            files.add(m.path(f).resolve(UserUnitCheck.UNIT));
        }
        for (Path p : files) {
            if (Files.isRegularFile(p)) {
                Optional<String> text = m.read(p);
                return text.map(t -> parse(m.shown(p), t)).orElse(NONE);
            }
        }
        return NONE;
    }

    /** The [Service] section's last {@code ExecStart=} (a later one replaces an earlier one) and its Environment= lines. */
    static WatchUnit parse(String file, String unit) {
        List<String> exec = List.of();
        Map<String, String> env = new LinkedHashMap<>();
        for (String raw : unit.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("ExecStart=")) {
                String cmd = line.substring("ExecStart=".length()).strip();
                while (!cmd.isEmpty() && "-@:+!".indexOf(cmd.charAt(0)) >= 0) {
                    cmd = cmd.substring(1); // systemd's prefixes (ignore failure, argv[0], full privileges, ...)
                }
                exec = words(cmd);
            } else if (line.startsWith("Environment=")) {
                for (String a : words(line.substring("Environment=".length()))) {
                    int eq = a.indexOf('=');
                    if (eq > 0) {
                        env.put(a.substring(0, eq), a.substring(eq + 1));
                    }
                }
            }
        }
        List<Path> media = new ArrayList<>();
        for (int i = 0; i < exec.size(); i++) {
            String w = exec.get(i);
            if (w.startsWith("--media=")) {
                media.add(Path.of(w.substring("--media=".length())));
            } else if (w.equals("--media") && i + 1 < exec.size()) {
                media.add(Path.of(exec.get(++i)));
            }
        }
        return new WatchUnit(Optional.of(file), media, env);
    }

    /** systemd's word splitting (systemd.syntax(7)): blanks separate, double or single quotes group, \ escapes, %% is %. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
                continue;
            }
            if (w == null) {
                w = new StringBuilder();
            }
            if (c == '\\' && i + 1 < s.length() && quote != '\'') {
                w.append(s.charAt(++i));
            } else if (c == '%' && i + 1 < s.length() && s.charAt(i + 1) == '%') {
                w.append('%');
                i++;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else {
                w.append(c);
            }
        }
        if (w != null) {
            out.add(w.toString());
        }
        return out;
    }
}
