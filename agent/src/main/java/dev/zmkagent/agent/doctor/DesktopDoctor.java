package dev.zmkagent.agent.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `zmk-agent doctor` without an ELF: whether this machine will capture the next crash and tell you about it. Each
 * check reads the machine through {@link Machine} only; a problem either blocks capture (no drive mounted, no
 * watcher running, nowhere to store) or costs something else (notifications, the tray, serial DFU, symbols).
 */
public final class DesktopDoctor {
    private final List<DesktopCheck> checks;

    public DesktopDoctor(List<DesktopCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Every check, in the order a capture needs them: the device, the drive, the watcher, the store, the desktop. */
    public static DesktopDoctor linux() {
        return new DesktopDoctor(List.of(new UdevRuleCheck(), new DeviceAccessCheck(), new AutomountCheck(), new MediaFoldersCheck(),
                new UserUnitCheck(), new DataFolderCheck(), new FirmwareCheck(), new SessionBusCheck(), new NotificationServerCheck(),
                new TrayCheck()));
    }

    /**
     * Linux gets every check; elsewhere (macOS, Windows: no udev, udisks2, systemd or session D-Bus) only those that
     * mean the same everywhere, the data folder and the registry.
     */
    public static DesktopDoctor forPlatform(String osName) {
        String os = osName.toLowerCase(java.util.Locale.ROOT);
        if (os.contains("linux")) {
            return linux();
        }
        return new DesktopDoctor(List.of(new DataFolderCheck(), new FirmwareCheck()));
    }

    public Report run(Machine m) {
        List<Finding> out = new ArrayList<>();
        for (DesktopCheck c : checks) {
            out.addAll(c.check(m));
        }
        return new Report(List.copyOf(out));
    }

    /** The findings, and the exit status: 1 when something blocks capture. */
    public record Report(List<Finding> findings) {
        public long blocking() {
            return findings.stream().filter(f -> f.status() == Finding.Status.BLOCKING).count();
        }

        public long advisory() {
            return findings.stream().filter(f -> f.status() == Finding.Status.ADVISORY).count();
        }

        public int exitStatus() {
            return blocking() > 0 ? 1 : 0;
        }

        /** One line per check: OK, WARN (advisory) or FAIL (blocks capture), then the fix on the next line. */
        public String text() {
            StringBuilder s = new StringBuilder("This machine (what a capture and its notification need)\n");
            for (Finding f : findings) {
                String tag = switch (f.status()) {
                    case OK -> "OK  ";
                    case ADVISORY -> "WARN";
                    case BLOCKING -> "FAIL";
                };
                s.append(String.format("  %s %-18s %s%n", tag, f.label() + ":", f.message()));
                f.fix().ifPresent(x -> s.append(String.format("       %-18s %s%n", "fix:", x)));
            }
            long b = blocking();
            long a = advisory();
            if (b == 0 && a == 0) {
                s.append("Everything a capture needs is in place.\n");
            } else {
                s.append(b == 0 ? "Nothing blocks a capture" : b + " problem" + (b == 1 ? " blocks" : "s block") + " a capture (FAIL)");
                s.append(a == 0 ? ".\n" : "; " + a + " advisory (WARN: a capture still works, without what the line says).\n");
            }
            return s.toString();
        }

        /** {"checks": [{check, status, message, fix}], "blocking": n, "advisory": n, "capture_blocked": bool}. */
        public Map<String, Object> json() {
            List<Object> list = new ArrayList<>();
            for (Finding f : findings) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("check", f.check());
                m.put("status", f.status().json());
                m.put("message", f.message());
                m.put("fix", f.fix().orElse(null));
                list.add(m);
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("checks", list);
            root.put("blocking", blocking());
            root.put("advisory", advisory());
            root.put("capture_blocked", blocking() > 0);
            return root;
        }
    }
}
