package dev.zmkagent.agent.doctor;

import dev.zmkagent.agent.service.CommandRunner;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine `doctor` looks at, every part injectable: the file-system root that /etc, /lib, /usr/lib, /sys, /proc,
 * /dev, /media and /run are read under (a fake root folder in tests), the environment, the command runner
 * (systemctl, getfacl), the session bus address, the data folder and the config home of the systemd user unit.
 */
public final class Machine implements AutoCloseable {
    private final Path root;
    private final Map<String, String> env;
    private final CommandRunner runner;
    private final Optional<String> busAddress;
    private final Path dataDir;
    private final Path configHome;
    private final BoardCatalog catalog;
    private SessionBusProbe bus;
    private UserIdentity identity;
    private Optional<List<Path>> watchMedia = Optional.empty();

    public Machine(Path root, Map<String, String> env, CommandRunner runner, Optional<String> busAddress, Path dataDir, Path configHome,
                   BoardCatalog catalog) {
        this.root = root;
        this.env = Map.copyOf(env);
        this.runner = runner;
        this.busAddress = busAddress;
        this.dataDir = dataDir;
        this.configHome = configHome;
        this.catalog = catalog;
    }

    /** This machine: the real root, environment, commands and session bus. */
    public static Machine local(Path dataDir) {
        Map<String, String> env = System.getenv();
        Path home = Path.of(System.getProperty("user.home"));
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return new Machine(Path.of("/"), env, CommandRunner.SYSTEM, Optional.empty(), dataDir, config, BoardCatalog.builtin());
    }

    /**
     * This machine as seen from a running watch started with {@code media} (its {@code --media} options, maybe none):
     * the media folder check then checks those, not the user unit's.
     */
    public Machine watching(List<Path> media) {
        this.watchMedia = Optional.of(List.copyOf(media));
        return this;
    }

    /** The running watch's {@code --media} options, when the checks run inside one ({@link #watching}). */
    public Optional<List<Path>> watchMedia() {
        return watchMedia;
    }

    /** An absolute path of the machine ("/etc/udev/rules.d") under the root. */
    public Path path(String absolute) {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    /** The same path as the machine names it (for messages and commands): the root taken off. */
    public String shown(Path p) {
        if (p.startsWith(root) && !root.equals(root.getRoot())) {
            return "/" + root.relativize(p).toString().replace('\\', '/');
        }
        return p.toString();
    }

    public Map<String, String> env() {
        return env;
    }

    public String user() {
        String u = env.get("USER");
        return u == null || u.isBlank() ? env.getOrDefault("LOGNAME", "") : u;
    }

    public CommandRunner runner() {
        return runner;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path configHome() {
        return configHome;
    }

    public BoardCatalog catalog() {
        return catalog;
    }

    /** Who runs doctor, from {@code /proc/self/status} under the root (uid, gid, supplementary groups). */
    public UserIdentity identity() {
        if (identity == null) {
            identity = UserIdentity.read(this);
        }
        return identity;
    }

    /**
     * The session bus address: the injected one, else {@code DBUS_SESSION_BUS_ADDRESS}, else systemd's per-user
     * socket {@code $XDG_RUNTIME_DIR/bus} when it exists.
     */
    public Optional<String> busAddress() {
        if (busAddress.isPresent()) {
            return busAddress;
        }
        String a = env.get("DBUS_SESSION_BUS_ADDRESS");
        if (a != null && !a.isBlank()) {
            return Optional.of(a);
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.exists(Path.of(runtime, "bus"))) {
            return Optional.of("unix:path=" + Path.of(runtime, "bus"));
        }
        return Optional.empty();
    }

    /** The session bus, connected once for every check that needs it. */
    public SessionBusProbe bus() {
        if (bus == null) {
            bus = SessionBusProbe.connect(busAddress());
        }
        return bus;
    }

    /** A small text file of the machine (sysfs attributes, /proc files), or empty; never more than 64 KiB. */
    public Optional<String> read(Path p) {
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > 65536) {
                return Optional.empty();
            }
            return Optional.of(Files.readString(p, StandardCharsets.ISO_8859_1));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (bus != null) {
            bus.close();
        }
    }
}
