package dev.zmkagent.agent.doctor;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.usb.KnownUsbIds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The udev rule (udev-rules/70-zmk-agent.rules, or the package's copy in /lib/udev/rules.d) installed and covering
 * every board of the board catalog: the bootloader's USB device (libusb: `devices`) and its CDC tty (serial DFU),
 * and ZMK's tty (#CD: console lines). The drive itself needs no rule (udisks2 mounts it), so a missing rule costs
 * serial DFU and the USB view, not the capture.
 */
public final class UdevRuleCheck implements DesktopCheck {
    static final String FIX = "sudo cp udev-rules/70-zmk-agent.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger"
            + " (from the zmk-agent source; the .deb installs it in /lib/udev/rules.d)";

    @Override
    public List<Finding> check(Machine m) {
        UdevRules rules = UdevRules.read(m);
        List<String> missing = new ArrayList<>();
        List<String> late = new ArrayList<>();
        Set<String> covered = new LinkedHashSet<>();
        for (Map.Entry<String, List<Board.UsbId>> e : UdevRules.required(m).entrySet()) {
            for (Board.UsbId id : e.getValue()) {
                for (String sub : List.of("usb", "tty")) {
                    var g = rules.grant(id, sub);
                    if (g.isEmpty()) {
                        missing.add(id + " " + sub + " (" + e.getKey() + ")");
                    } else if (!g.get().effective()) {
                        late.add(g.get().file());
                    } else {
                        covered.add(id.toString());
                    }
                }
            }
        }
        if (rules.grant(KnownUsbIds.ZMK_APPLICATION, "tty").isEmpty()) {
            missing.add(KnownUsbIds.ZMK_APPLICATION + " tty (ZMK keyboard console)");
        }
        if (rules.files().isEmpty()) {
            return List.of(Finding.advisory("udev_rule", "udev rule", "no udev rule gives you the boards' USB devices (looked in "
                    + String.join(", ", UdevRules.FOLDERS) + "): serial DFU (flash --dfu), the USB view of `devices` and the #CD: console need it"
                    + " (capturing from the drive does not)", FIX));
        }
        if (!late.isEmpty()) {
            return List.of(Finding.advisory("udev_rule", "udev rule", new LinkedHashSet<>(late) + " sets TAG+=\"uaccess\" but sorts after "
                    + UdevRules.SEAT_LATE + ", where systemd turns that tag into your ACL: it has no effect", "rename it to 70-zmk-agent.rules: " + FIX));
        }
        if (!missing.isEmpty()) {
            return List.of(Finding.advisory("udev_rule", "udev rule", String.join(", ", rules.files()) + " does not cover "
                    + String.join(", ", missing) + ": that board's serial DFU and USB view need it", "install the current rule: " + FIX));
        }
        return List.of(Finding.ok("udev_rule", "udev rule", String.join(", ", rules.files()) + " covers every catalog board ("
                + String.join(", ", covered) + ") and the ZMK console " + KnownUsbIds.ZMK_APPLICATION));
    }
}
