package dev.zmkagent.agent.doctor;

import dev.zmkagent.agent.service.CommandRunner;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Automount of the bootloader drive: udisks2 (udisksd, D-Bus activated, so "inactive" only means not yet started)
 * does the mounting, and a desktop component asks it to when a drive appears (GNOME's gvfs-udisks2-volume-monitor,
 * KDE's kded, udiskie, file managers with volume management). zmk-agent watch does not mount drives itself: without
 * udisks2 the drive is never mounted and nothing is captured.
 */
public final class AutomountCheck implements DesktopCheck {
    static final List<String> UDISKSD = List.of("/usr/libexec/udisks2/udisksd", "/usr/lib/udisks2/udisksd", "/lib/udisks2/udisksd");
    /** /proc/PID/comm names (15 characters at most) of the programs that ask udisks2 to mount new drives. */
    static final List<String> AUTOMOUNTERS = List.of("gvfs-udisks2-vo", "kded5", "kded6", "udiskie", "thunar", "pcmanfm", "pcmanfm-qt",
            "nemo", "nautilus", "caja", "devmon", "ldm");

    @Override
    public List<Finding> check(Machine m) {
        List<Finding> out = new ArrayList<>();
        String udisksd = UDISKSD.stream().filter(p -> Files.isExecutable(m.path(p)) || Files.isRegularFile(m.path(p))).findFirst().orElse(null);
        if (udisksd == null) {
            out.add(Finding.blocking("udisks2", "automount", "udisks2 is not installed (no udisksd in " + String.join(", ", UDISKSD)
                    + "): the bootloader drive is never mounted, so no crash is captured", "sudo apt install udisks2"));
            return out;
        }
        CommandRunner.Result r = m.runner().run(List.of("systemctl", "is-active", "udisks2.service"));
        String state = r.firstLine().trim();
        if (state.equals("failed")) {
            out.add(Finding.blocking("udisks2", "automount", "udisks2.service has failed: the bootloader drive is not mounted, so no crash is captured",
                    "sudo systemctl restart udisks2.service; journalctl -u udisks2 -e"));
        } else {
            CommandRunner.Result en = m.runner().run(List.of("systemctl", "is-enabled", "udisks2.service"));
            if (en.firstLine().trim().equals("masked")) {
                out.add(Finding.blocking("udisks2", "automount", "udisks2.service is masked: the bootloader drive is never mounted",
                        "sudo systemctl unmask udisks2.service"));
            } else {
                // Only systemctl's own words are repeated: on a machine without systemd it prints a sentence instead.
                String how = switch (state) {
                    case "active" -> ", running";
                    case "inactive", "activating", "deactivating" -> ", " + state + " (D-Bus starts it when a drive appears)";
                    default -> "";
                };
                out.add(Finding.ok("udisks2", "automount", "udisks2 installed (" + udisksd + ")" + how));
            }
        }
        List<String> running = automounters(m);
        if (running.isEmpty()) {
            out.add(Finding.advisory("automounter", "automounter", "no automounter is running (looked for " + String.join(", ", AUTOMOUNTERS)
                    + "): the drive appears but stays unmounted until you open it in a file manager",
                    "sudo apt install udiskie, and start `udiskie &` with your session (or mount by hand: udisksctl mount -b /dev/sdX)"));
        } else {
            out.add(Finding.ok("automounter", "automounter", String.join(", ", running) + " mounts new drives"));
        }
        return out;
    }

    private static List<String> automounters(Machine m) {
        List<String> found = new ArrayList<>();
        Path proc = m.path("/proc");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path pid : s) {
                String comm = m.read(pid.resolve("comm")).orElse("").trim();
                if (AUTOMOUNTERS.contains(comm) && !found.contains(comm)) {
                    found.add(comm);
                }
            }
        } catch (IOException | SecurityException e) {
            // no /proc: nothing known to be running
        }
        return found;
    }
}
