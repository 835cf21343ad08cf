package dev.zmkagent.agent.doctor;

import dev.zmkagent.agent.service.CommandRunner;
import dev.zmkagent.agent.service.SystemdUserService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The systemd user unit that runs zmk-agent watch with the graphical session: installed (the user's own, written by
 * `watch --install-service`, or the package's in /usr/lib/systemd/user), enabled and running, as
 * {@code systemctl --user is-enabled|is-active} say. Not installed is a choice (watch can run by hand); enabled but
 * not running means the next crash is not captured although the user thinks it is.
 */
public final class UserUnitCheck implements DesktopCheck {
    static final String UNIT = SystemdUserService.UNIT;
    /** What systemctl is-enabled answers (systemctl(1)); anything else is an error message: no user manager to ask. */
    static final List<String> IS_ENABLED_STATES = List.of("enabled", "enabled-runtime", "linked", "linked-runtime", "alias", "masked",
            "masked-runtime", "static", "indirect", "disabled", "generated", "transient", "bad", "not-found");
    static final List<String> SYSTEM_FOLDERS = List.of("/etc/systemd/user", "/usr/lib/systemd/user", "/lib/systemd/user");

    @Override
    public List<Finding> check(Machine m) {
        List<Path> files = new ArrayList<>();
        Path own = m.configHome().resolve("systemd/user").resolve(UNIT);
        if (Files.isRegularFile(own)) {
            files.add(own);
        }
        for (String f : SYSTEM_FOLDERS) {
            Path p = m.path(f).resolve(UNIT);
            if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        if (files.isEmpty()) {
            return List.of(Finding.advisory("user_unit", "watch at login", "the systemd user unit " + UNIT + " is not installed: crashes are captured "
                    + "only while you run zmk-agent watch yourself", "zmk-agent watch --install-service"));
        }
        CommandRunner.Result enabled = m.runner().run(List.of("systemctl", "--user", "is-enabled", UNIT));
        String en = enabled.firstLine().trim();
        String where = m.shown(files.get(0));
        if (enabled.exitCode() < 0 || !IS_ENABLED_STATES.contains(en)) {
            return List.of(Finding.advisory("user_unit", "watch at login", where + " is installed, but the systemd user manager does not answer ("
                    + (en.isEmpty() ? "no answer" : en) + ")", "log in to a graphical session (or: loginctl enable-linger " + user(m) + ")"));
        }
        if (!en.equals("enabled") && !en.equals("enabled-runtime")) {
            String fix = switch (en) {
                case "masked", "masked-runtime" -> "systemctl --user unmask " + UNIT + " && systemctl --user enable --now " + UNIT;
                case "not-found" -> "systemctl --user daemon-reload && systemctl --user enable --now " + UNIT; // the file came after the last reload
                default -> "systemctl --user enable --now " + UNIT;
            };
            return List.of(Finding.advisory("user_unit", "watch at login", where + " is installed but " + en + ": it does not start at login", fix));
        }
        CommandRunner.Result active = m.runner().run(List.of("systemctl", "--user", "is-active", UNIT));
        String state = active.firstLine().trim();
        if (!state.equals("active") && !state.equals("activating") && !state.equals("reloading")) {
            return List.of(Finding.blocking("user_unit", "watch at login", UNIT + " is enabled but " + (state.isEmpty() ? "not running" : state)
                    + ": zmk-agent watch is not running, so the next crash is not captured",
                    "systemctl --user restart " + UNIT + "; journalctl --user -u zmk-agent -e shows why it stopped"));
        }
        return List.of(Finding.ok("user_unit", "watch at login", UNIT + " (" + where + ") is enabled and " + state));
    }

    private static String user(Machine m) {
        return m.user().isEmpty() ? "$USER" : m.user();
    }
}
