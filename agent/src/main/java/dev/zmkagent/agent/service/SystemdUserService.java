package dev.zmkagent.agent.service;

import java.nio.file.Path;
import java.util.List;

/**
 * A systemd user unit, {@code ~/.config/systemd/user/zmk-agent.service}. It is part of the graphical session
 * (started with it, stopped with it), so the watch has the session's D-Bus and display for notifications and the
 * tray. The Debian package ships the same unit for {@code /usr/bin/zmk-agent} in /usr/lib/systemd/user.
 */
public final class SystemdUserService extends LoginService {
    public static final String UNIT = "zmk-agent.service";
    private final Path configHome;

    public SystemdUserService(Path configHome, CommandRunner runner) {
        super(runner);
        this.configHome = configHome;
    }

    @Override
    public String kind() {
        return "systemd user unit";
    }

    @Override
    public Path file() {
        return configHome.resolve("systemd").resolve("user").resolve(UNIT);
    }

    @Override
    public String definition(List<String> command) {
        return "# zmk-agent watch at login: `zmk-agent watch --install-service` writes this unit; the package ships it too.\n"
                + "[Unit]\n"
                + "Description=zmk-agent: capture ZMK keyboard crash dumps from the UF2 bootloader drive\n"
                + "Documentation=man:zmk-agent-watch(1)\n"
                + "PartOf=graphical-session.target\n"
                + "After=graphical-session.target\n\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "ExecStart=" + execStart(command) + "\n"
                + "Restart=on-failure\n"
                + "RestartSec=5\n"
                + "Nice=5\n\n"
                + "[Install]\n"
                + "WantedBy=graphical-session.target\n";
    }

    /** systemd's quoting: plain words as they are, others in double quotes with \ and " escaped. */
    static String execStart(List<String> command) {
        StringBuilder s = new StringBuilder();
        for (String c : command) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(c.matches("[A-Za-z0-9_./:=+,@-]+") ? c : "\"" + c.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%") + "\"");
        }
        return s.toString();
    }

    @Override
    protected List<List<String>> registration() {
        return List.of(List.of("systemctl", "--user", "daemon-reload"), List.of("systemctl", "--user", "enable", "--now", UNIT));
    }

    @Override
    protected String whenDone() {
        return "zmk-agent watch now runs with every graphical login; logs: journalctl --user -u zmk-agent -f";
    }
}
