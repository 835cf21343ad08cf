package dev.zmkagent.agent.watch;

import dev.zmkagent.device.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes the systemd user unit that runs {@code watch} at login, with absolute paths to this very Java and class
 * path, then enables it when {@code systemctl --user} is there. The repository's {@code agent/systemd/zmk-agent.service}
 * is the same unit for a launcher on the PATH.
 */
public final class ServiceInstaller {
    private ServiceInstaller() {
    }

    public static Path unitPath() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return config.resolve("systemd").resolve("user").resolve("zmk-agent.service");
    }

    /** The unit text for {@code execStart} (already quoted for systemd). */
    public static String unit(String execStart) {
        return "# Written by `zmk-agent watch --install-service`.\n"
                + "[Unit]\n"
                + "Description=zmk-agent: capture ZMK keyboard crash dumps from the UF2 bootloader drive\n"
                + "After=graphical-session.target\n\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "ExecStart=" + execStart + "\n"
                + "Restart=on-failure\n"
                + "RestartSec=5\n"
                + "Nice=5\n\n"
                + "[Install]\n"
                + "WantedBy=default.target\n";
    }

    /** This JVM and class path running {@code dev.zmkagent.cli.Main watch} plus {@code extraArgs}. */
    public static String execStartForThisJvm(List<String> extraArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xmx64m");
        cmd.add("-cp");
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            cp.add(Path.of(e).toAbsolutePath().toString());
        }
        cmd.add(String.join(java.io.File.pathSeparator, cp));
        cmd.add("dev.zmkagent.cli.Main");
        cmd.add("watch");
        cmd.addAll(extraArgs);
        StringBuilder s = new StringBuilder();
        for (String c : cmd) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(c.matches("[A-Za-z0-9_./:=+-]+") ? c : "\"" + c.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return s.toString();
    }

    /** Writes the unit; returns what was done, line by line (including the systemctl steps still to run, if any). */
    public static List<String> install(Path unit, String text) throws IOException {
        List<String> done = new ArrayList<>();
        PrivateFiles.createDirectories(unit.getParent());
        PrivateFiles.writeAtomically(unit, text.getBytes(StandardCharsets.UTF_8));
        done.add("wrote " + unit);
        boolean ok = run(done, "systemctl", "--user", "daemon-reload") && run(done, "systemctl", "--user", "enable", "--now", "zmk-agent.service");
        if (!ok) {
            done.add("to start it now and at every login, run: systemctl --user daemon-reload && systemctl --user enable --now zmk-agent");
        } else {
            done.add("zmk-agent watch now runs at login; logs: journalctl --user -u zmk-agent -f");
        }
        return done;
    }

    private static boolean run(List<String> done, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                done.add(String.join(" ", cmd) + " failed" + (out.isEmpty() ? "" : ": " + out.lines().findFirst().orElse("")));
                return false;
            }
            done.add("ran " + String.join(" ", cmd));
            return true;
        } catch (IOException e) {
            done.add(cmd[0] + " is not available");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
