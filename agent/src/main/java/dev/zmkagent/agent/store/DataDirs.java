package dev.zmkagent.agent.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where zmk-agent keeps its data: {@code $XDG_DATA_HOME/zmk-agent} (default {@code ~/.local/share/zmk-agent}) on
 * Linux and other Unixes, {@code ~/Library/Application Support/zmk-agent} on macOS, {@code %LOCALAPPDATA%\zmk-agent}
 * on Windows. Captures live in {@code captures/}, registered firmware in {@code firmware/}.
 */
public final class DataDirs {
    private final Path root;

    public DataDirs(Path root) {
        this.root = root;
    }

    public static DataDirs forUser() {
        return new DataDirs(defaultRoot(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    static Path defaultRoot(String osName, Map<String, String> env, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            return (local == null || local.isBlank() ? home.resolve("AppData").resolve("Local") : Path.of(local)).resolve("zmk-agent");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("zmk-agent");
        }
        String xdg = env.get("XDG_DATA_HOME");
        // The XDG spec says a relative value is invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg).resolve("zmk-agent");
        }
        return home.resolve(".local").resolve("share").resolve("zmk-agent");
    }

    public Path root() {
        return root;
    }

    public Path captures() {
        return root.resolve("captures");
    }

    public Path firmware() {
        return root.resolve("firmware");
    }
}
