package dev.zmkagent.agent.doctor;

import dev.zmkagent.device.boards.Board;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The udev rules in effect (udev(7)): every {@code *.rules} file of /etc/udev/rules.d, /run/udev/rules.d,
 * /usr/local/lib/udev/rules.d, /usr/lib/udev/rules.d and /lib/udev/rules.d, a file in an earlier folder hiding one of
 * the same name in a later one, read in file-name order. Of each rule only what doctor needs: the USB VID:PID it
 * matches, whether it is for the USB device or its tty, and whether it grants access (TAG+="uaccess", GROUP=, MODE=).
 */
public final class UdevRules {
    static final List<String> FOLDERS = List.of("/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d",
            "/usr/lib/udev/rules.d", "/lib/udev/rules.d");
    /** systemd's 73-seat-late.rules turns the uaccess tag into an ACL: a tag set by a later file is never seen. */
    static final String SEAT_LATE = "73-seat-late.rules";

    private static final Pattern VID = Pattern.compile("ATTRS?\\{idVendor\\}==\"([0-9A-Fa-f]{4})\"");
    private static final Pattern PID = Pattern.compile("ATTRS?\\{idProduct\\}==\"([0-9A-Fa-f]{4})\"");
    private static final Pattern SUBSYSTEM = Pattern.compile("SUBSYSTEMS?==\"([a-z_]+)\"");

    /** One access-granting rule for a USB ID: the file (as the machine names it), "usb" or "tty", and how. */
    public record Grant(String file, String fileName, Board.UsbId id, String subsystem, boolean uaccess, boolean groupOrMode) {
        /** The uaccess tag works only in a file that sorts before 73-seat-late.rules. */
        public boolean effective() {
            return groupOrMode || (uaccess && fileName.compareTo(SEAT_LATE) < 0);
        }
    }

    private final List<Grant> grants;
    private final List<String> files;

    private UdevRules(List<Grant> grants, List<String> files) {
        this.grants = grants;
        this.files = files;
    }

    public static UdevRules read(Machine m) {
        Map<String, Path> effective = new TreeMap<>();
        for (String folder : FOLDERS) {
            Path dir = m.path(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.rules")) {
                for (Path f : s) {
                    // /lib is often a link to /usr/lib: the same file twice is one file.
                    effective.putIfAbsent(f.getFileName().toString(), f);
                }
            } catch (IOException | SecurityException e) {
                // an unreadable folder contributes nothing
            }
        }
        List<Grant> grants = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, Path> e : effective.entrySet()) {
            String text = m.read(e.getValue()).orElse("");
            boolean any = false;
            for (String rule : text.replace("\\\n", " ").split("\n")) {
                String r = rule.trim();
                if (r.isEmpty() || r.startsWith("#")) {
                    continue;
                }
                Matcher v = VID.matcher(r);
                Matcher p = PID.matcher(r);
                if (!v.find() || !p.find()) {
                    continue;
                }
                boolean uaccess = r.contains("TAG+=\"uaccess\"");
                boolean groupOrMode = r.matches(".*\\bGROUP:?=\"[^\"]+\".*") || r.matches(".*\\bMODE:?=\"0?6[6-7][0-7]\".*");
                if (!uaccess && !groupOrMode) {
                    continue;
                }
                Matcher sub = SUBSYSTEM.matcher(r);
                String subsystem = sub.find() ? sub.group(1) : "usb";
                Board.UsbId id = new Board.UsbId(Integer.parseInt(v.group(1), 16), Integer.parseInt(p.group(1), 16));
                grants.add(new Grant(m.shown(e.getValue()), e.getKey(), id, subsystem.toLowerCase(Locale.ROOT), uaccess, groupOrMode));
                any = true;
            }
            if (any) {
                files.add(m.shown(e.getValue()));
            }
        }
        return new UdevRules(List.copyOf(grants), List.copyOf(files));
    }

    public List<Grant> grants() {
        return grants;
    }

    /** The rule files that grant access to some USB ID. */
    public List<String> files() {
        return files;
    }

    /** The grant that gives access to {@code id}'s node of {@code subsystem} ("usb" or "tty"), effective ones first. */
    public java.util.Optional<Grant> grant(Board.UsbId id, String subsystem) {
        java.util.Optional<Grant> best = java.util.Optional.empty();
        for (Grant g : grants) {
            if (g.id().equals(id) && g.subsystem().equals(subsystem)) {
                if (g.effective()) {
                    return java.util.Optional.of(g);
                }
                best = best.or(() -> java.util.Optional.of(g));
            }
        }
        return best;
    }

    /** The bootloaders the rules must cover (USB device and tty each): every board of the catalog, by name. */
    public static Map<String, List<Board.UsbId>> required(Machine m) {
        Map<String, List<Board.UsbId>> out = new LinkedHashMap<>();
        for (Board b : m.catalog().boards()) {
            out.put(b.name() + " bootloader", b.usb());
        }
        return out;
    }
}
