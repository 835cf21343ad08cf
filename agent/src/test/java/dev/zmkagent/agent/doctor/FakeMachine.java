package dev.zmkagent.agent.doctor;

import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.service.CommandRunner;
import dev.zmkagent.agent.service.RecordingRunner;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A recorded Linux desktop under a temporary root folder, set up healthy: the repository's udev rule in
 * /etc/udev/rules.d, a nice!nano bootloader plugged in (sysfs as the kernel lays it out: the USB device under
 * /sys/devices with its CDC tty and its SCSI disk below it, /sys/bus/usb/devices/1-1 a link to it), its drive mounted
 * at /media/kim/NICENANO, udisks2 installed, gvfs running, the user unit installed, a private data folder with a
 * crash-lab build registered. The command runner answers as systemd does on such a machine. Tests break one thing.
 */
final class FakeMachine {
    static final long REAL_UID = uid("unix:uid");
    static final long REAL_GID = uid("unix:gid");
    /** A uid that is not the owner of the files the test creates (for access through groups and ACLs). */
    static final long OTHER_UID = REAL_UID == 4242 ? 4243 : 4242;

    final Path root;
    final Path data;
    final Path config;
    final Map<String, String> env = new HashMap<>(Map.of("USER", "kim", "HOME", "/home/kim"));
    final Map<String, CommandRunner.Result> answers = new HashMap<>();
    final RecordingRunner runner = new RecordingRunner(c -> answers.getOrDefault(String.join(" ", c), new CommandRunner.Result(1, "")));
    Optional<String> bus = Optional.empty();

    FakeMachine(Path tmp) throws IOException {
        root = tmp.resolve("root");
        data = tmp.resolve("home/kim/.local/share/zmk-agent");
        config = tmp.resolve("home/kim/.config");
        write("/etc/udev/rules.d/70-zmk-agent.rules", Files.readString(repoFile("udev-rules/70-zmk-agent.rules")));
        identity(REAL_UID, REAL_GID, List.of(REAL_GID));
        write("/etc/group", "kim:x:" + REAL_GID + ":\nplugdev:x:46:kim\n");
        String usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1";
        write(usb + "/idVendor", "239a\n");
        write(usb + "/idProduct", "00b3\n");
        write(usb + "/product", "nRF UF2\n");
        Files.createDirectories(path(usb + "/1-1:1.0/tty/ttyACM0"));
        Files.createDirectories(path(usb + "/1-1:1.2/host0/target0:0:0/0:0:0:0/block/sda"));
        Files.createDirectories(path("/sys/bus/usb/devices"));
        Files.createSymbolicLink(path("/sys/bus/usb/devices/1-1"), Path.of("../../../devices/pci0000:00/0000:00:14.0/usb1/1-1"));
        node("/dev/ttyACM0", "rw-------");
        node("/dev/sda", "rw-------");
        mounts("/dev/sda /media/kim/NICENANO vfat rw,nosuid,nodev,relatime,uid=1000,gid=1000 0 0");
        write("/media/kim/NICENANO/INFO_UF2.TXT", "UF2 Bootloader 0.6.1 lib/nrfx (v2.0.0)\nModel: nice!nano\nBoard-ID: nRF52840-nicenano\n");
        write("/usr/libexec/udisks2/udisksd", "");
        write("/proc/1/comm", "systemd\n");
        write("/proc/2345/comm", "gvfs-udisks2-vo\n");
        Files.createDirectories(config.resolve("systemd/user"));
        Files.writeString(config.resolve("systemd/user/zmk-agent.service"), "[Unit]\n");
        Files.createDirectories(data.getParent());
        Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        new FirmwareRegistry(data.resolve("firmware")).add(List.of(CrashLab.scenario("nice_nano-busfault").appElfPath()));
        answers.put("systemctl is-active udisks2.service", new CommandRunner.Result(0, "active"));
        answers.put("systemctl is-enabled udisks2.service", new CommandRunner.Result(0, "static"));
        answers.put("systemctl --user is-enabled zmk-agent.service", new CommandRunner.Result(0, "enabled"));
        answers.put("systemctl --user is-active zmk-agent.service", new CommandRunner.Result(0, "active"));
    }

    Machine machine() {
        return new Machine(root, env, runner, bus, data, config, BoardCatalog.builtin());
    }

    DesktopDoctor.Report run() {
        try (Machine m = machine()) {
            return DesktopDoctor.linux().run(m);
        }
    }

    Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    void write(String absolute, String text) throws IOException {
        Path p = path(absolute);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    void identity(long uid, long gid, List<Long> groups) throws IOException {
        StringBuilder g = new StringBuilder();
        groups.forEach(x -> g.append(x).append(' '));
        write("/proc/self/status", "Name:\tjava\nUmask:\t0022\nState:\tR (running)\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid
                + "\nGid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid + "\nGroups:\t" + g.toString().trim() + "\n");
    }

    void mounts(String... lines) throws IOException {
        write("/proc/self/mounts", "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\nproc /proc proc rw 0 0\n" + String.join("\n", lines) + "\n");
    }

    void node(String absolute, String perms) throws IOException {
        Path p = path(absolute);
        Files.createDirectories(p.getParent());
        Files.deleteIfExists(p);
        Files.createFile(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    Finding finding(DesktopDoctor.Report r, String check) {
        List<Finding> f = r.findings().stream().filter(x -> x.check().equals(check)).toList();
        if (f.size() != 1) {
            throw new AssertionError("expected one " + check + " finding, got " + f + " in\n" + r.text());
        }
        return f.get(0);
    }

    static Path repoFile(String relative) {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.exists(d.resolve(relative))) {
            d = d.getParent();
        }
        if (d == null) {
            throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
        }
        return d.resolve(relative);
    }

    /** The owner (uid, gid) of the files this test process creates. */
    private static long uid(String attr) {
        try {
            Path f = Files.createTempFile("zmk-agent-owner", ".probe");
            try {
                return ((Number) Files.getAttribute(f, attr)).longValue();
            } finally {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
