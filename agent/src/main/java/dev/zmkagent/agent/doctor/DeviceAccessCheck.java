package dev.zmkagent.agent.doctor;

import dev.zmkagent.device.drive.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Your access to the bootloader's serial port and block device. With a bootloader plugged in, its nodes in /dev are
 * checked for the user doctor runs as (owner, group, mode and the ACL systemd-logind sets for the uaccess tag);
 * without one, what would give access when it comes: the udev rule's uaccess tag, or membership of the group that
 * owns serial ports (dialout on Debian and Ubuntu, uucp on Arch and Fedora). The drive is mounted by udisks2 for the
 * user at the seat, so only an unmounted drive is a problem for the block device.
 */
public final class DeviceAccessCheck implements DesktopCheck {
    static final List<String> SERIAL_GROUPS = List.of("dialout", "uucp");

    @Override
    public List<Finding> check(Machine m) {
        UserIdentity who = m.identity();
        ConnectedBootloaders connected = ConnectedBootloaders.scan(m);
        List<Finding> out = new ArrayList<>();
        if (connected.devices().stream().noneMatch(ConnectedBootloaders.Device::bootloader)) {
            connected.devices().forEach(d -> d.ttys().forEach(tty -> out.add(node(m, who, "serial_port", "serial port",
                    d.board() + " (" + d.id() + " at USB " + d.location() + ")", "/dev/" + tty, true))));
            out.add(serialWithoutDevice(m, who));
            out.add(Finding.ok("block_device", "bootloader drive", "no bootloader plugged in (double-tap reset to check its drive); udisks2 mounts it for you"));
            return out;
        }
        MountTable mounts = MountTable.parse(m.read(m.path("/proc/self/mounts")).orElse(""));
        for (ConnectedBootloaders.Device d : connected.devices()) {
            String what = d.board() + " (" + d.id() + " at USB " + d.location() + ")";
            if (d.ttys().isEmpty()) {
                out.add(Finding.advisory("serial_port", "serial port", what + " has no tty: the cdc_acm driver did not bind it",
                        "sudo modprobe cdc_acm, then replug the board"));
            }
            for (String tty : d.ttys()) {
                out.add(node(m, who, "serial_port", "serial port", what, "/dev/" + tty, true));
            }
            if (d.disks().isEmpty() && d.bootloader()) {
                out.add(Finding.blocking("block_device", "bootloader drive", what + " has no disk: the usb-storage driver did not bind it, so there is no drive to capture from",
                        "sudo modprobe usb_storage, then replug the board"));
            }
            for (String disk : d.disks()) {
                String dev = "/dev/" + disk;
                Optional<MountTable.Mount> mp = mounts.byDevice(dev);
                if (mp.isPresent()) {
                    out.add(mounted(m, who, dev, dev + " of the " + what, mp.get().mountPoint().toString()));
                } else {
                    out.add(Finding.blocking("block_device", "bootloader drive", dev + " of the " + what + " is not mounted, so it cannot be captured",
                            "udisksctl mount -b " + dev));
                }
            }
        }
        return out;
    }

    /**
     * A mounted drive is captured by reading CURRENT.UF2 (and INFO_UF2.TXT) through the mount: udisks2 mounts FAT with
     * the user's uid, but a drive mounted by root (sudo mount, an fstab line) can leave the files unreadable.
     */
    private Finding mounted(Machine m, UserIdentity who, String dev, String what, String mountPoint) {
        Path dir = m.path(mountPoint);
        if (who.known()) {
            for (String name : List.of("INFO_UF2.TXT", "CURRENT.UF2")) {
                Path f = dir.resolve(name);
                if (!Files.exists(f)) {
                    continue;
                }
                Optional<NodeAccess> a = NodeAccess.of(f, who, m.runner());
                if (a.isPresent() && !a.get().read()) {
                    return Finding.blocking("block_device", "bootloader drive", String.format("%s is mounted at %s, but you cannot read its %s "
                            + "(owner uid %d, mode %04o): it cannot be captured", what, mountPoint, name, a.get().ownerUid(), a.get().mode()),
                            "sudo umount " + mountPoint + " && udisksctl mount -b " + dev + " (udisks2 mounts it as yours)");
                }
            }
        }
        return Finding.ok("block_device", "bootloader drive", what + " is mounted at " + mountPoint);
    }

    private Finding node(Machine m, UserIdentity who, String check, String label, String what, String dev, boolean write) {
        Path p = m.path(dev);
        if (!Files.exists(p)) {
            return Finding.advisory(check, label, what + ": " + dev + " does not exist (udev has not created it)", "sudo udevadm trigger, then replug the board");
        }
        if (!who.known()) {
            return Finding.ok(check, label, what + ": " + dev + " (your access not checked: no /proc/self/status)");
        }
        Optional<NodeAccess> a = NodeAccess.of(p, who, m.runner());
        if (a.isEmpty()) {
            return Finding.ok(check, label, what + ": " + dev + " (its permissions cannot be read)");
        }
        if (a.get().read() && (!write || a.get().write())) {
            return Finding.ok(check, label, what + ": " + dev + " is yours to read and write (" + a.get().grantedBy() + ")");
        }
        return Finding.advisory(check, label, String.format("%s: you cannot %s %s (mode %04o, group %s, no ACL for you): serial DFU and the #CD: console need it",
                what, write ? "read and write" : "read", dev, a.get().mode(), who.groupName(a.get().groupGid())), accessFix(m, who, a.get().groupGid()));
    }

    private static String accessFix(Machine m, UserIdentity who, long nodeGroup) {
        String group = who.groupName(nodeGroup);
        String user = m.user().isEmpty() ? "$USER" : m.user();
        return "install the udev rule (see the udev rule line)" + (SERIAL_GROUPS.contains(group) ? ", or sudo usermod -aG " + group + " " + user
                + " and log in again" : "");
    }

    private Finding serialWithoutDevice(Machine m, UserIdentity who) {
        if (who.uid() == 0) {
            return Finding.ok("serial_port", "serial port", "no bootloader plugged in; you are root, so its port will be yours");
        }
        UdevRules rules = UdevRules.read(m);
        List<String> viaRule = new ArrayList<>();
        for (var e : UdevRules.required(m).entrySet()) {
            boolean all = e.getValue().stream().allMatch(id -> rules.grant(id, "tty").map(UdevRules.Grant::effective).orElse(false));
            if (all) {
                viaRule.add(e.getKey());
            }
        }
        if (viaRule.size() == UdevRules.required(m).size() && !viaRule.isEmpty()) {
            return Finding.ok("serial_port", "serial port", "no bootloader plugged in; its port will be yours through the udev rule's uaccess tag (at the seat)");
        }
        for (String g : SERIAL_GROUPS) {
            Optional<Long> gid = who.groupId(g);
            if (gid.isPresent() && who.inGroup(gid.get())) {
                return Finding.ok("serial_port", "serial port", "no bootloader plugged in; you are in group " + g + ", which owns serial ports");
            }
        }
        String user = m.user().isEmpty() ? "$USER" : m.user();
        String group = SERIAL_GROUPS.stream().filter(g -> who.groupId(g).isPresent()).findFirst().orElse("dialout");
        return Finding.advisory("serial_port", "serial port", "no bootloader plugged in, and nothing would give you its serial port: no udev rule "
                + "covers every board and you are not in group " + group + " (serial DFU and the #CD: console need it)",
                "install the udev rule (see the udev rule line), or sudo usermod -aG " + group + " " + user + " and log in again");
    }
}
