package dev.zmkagent.agent.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.agent.service.CommandRunner;
import dev.zmkagent.agent.testkit.SessionBus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `zmk-agent doctor` without an ELF against a recorded machine ({@link FakeMachine}: a fake root folder, a recording
 * command runner) and a real session bus this test starts, on which the test itself owns the notification server's
 * and the tray watcher's names. A healthy machine is all OK; then each problem, one at a time: its line, whether it
 * blocks capture, the fix, and the exit status.
 */
class DesktopDoctorTest {
    @TempDir
    Path tmp;
    private SessionBus bus;
    private DBusConnection desktop;
    private FakeMachine fake;

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @BeforeEach
    void machine() throws Exception {
        assumeTrue(onPath("dbus-daemon"), "dbus-daemon is not installed");
        bus = new SessionBus();
        desktop = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build();
        desktop.requestBusName(NotificationServerCheck.NAME);
        desktop.requestBusName(TrayCheck.NAME);
        fake = new FakeMachine(tmp);
        fake.bus = Optional.of(bus.address());
    }

    @AfterEach
    void stop() throws Exception {
        if (desktop != null) {
            desktop.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    @Test
    void aHealthyMachineIsAllOkAndExitsZero() {
        DesktopDoctor.Report r = fake.run();
        for (Finding f : r.findings()) {
            assertEquals(Finding.Status.OK, f.status(), f + "\n" + r.text());
        }
        assertEquals(List.of("udev_rule", "serial_port", "block_device", "udisks2", "automounter", "media_folders", "user_unit", "data_folder",
                "firmware", "session_bus", "notifications", "tray"), r.findings().stream().map(Finding::check).toList());
        assertEquals(0, r.exitStatus());
        assertTrue(r.text().contains("Everything a capture needs is in place."), r.text());
        assertTrue(fake.finding(r, "udev_rule").message().contains("239a:00b3, 2886:0044, 2886:0045"), r.text());
        assertTrue(fake.finding(r, "serial_port").message().contains("/dev/ttyACM0 is yours to read and write ("
                + (FakeMachine.REAL_UID == 0 ? "root" : "owner") + ")"), r.text());
        assertTrue(fake.finding(r, "block_device").message().contains("/dev/sda of the nice!nano bootloader (239a:00b3 at USB 1-1) is mounted at /media/kim/NICENANO"),
                r.text());
        assertTrue(fake.finding(r, "automounter").message().startsWith("gvfs-udisks2-vo"), r.text());
        assertTrue(fake.finding(r, "firmware").message().startsWith("1 build registered"), r.text());
        assertTrue(fake.finding(r, "notifications").message().contains("org.freedesktop.Notifications is owned"), r.text());
        assertTrue(fake.runner.commands.contains(List.of("systemctl", "--user", "is-enabled", "zmk-agent.service")), fake.runner.commands.toString());
        assertTrue(fake.runner.commands.contains(List.of("systemctl", "--user", "is-active", "zmk-agent.service")), fake.runner.commands.toString());

        Map<String, Object> json = r.json();
        assertEquals(List.of("checks", "blocking", "advisory", "capture_blocked"), List.copyOf(json.keySet()));
        assertEquals(0L, json.get("blocking"));
        assertEquals(false, json.get("capture_blocked"));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) json.get("checks")).get(0);
        assertEquals(List.of("check", "status", "message", "fix"), List.copyOf(first.keySet()));
        assertEquals("ok", first.get("status"));
    }

    // --- udev rule ---

    @Test
    void noUdevRuleIsAdvisoryWithTheInstallCommand() throws Exception {
        Files.delete(fake.path("/etc/udev/rules.d/70-zmk-agent.rules"));
        DesktopDoctor.Report r = fake.run();
        Finding f = fake.finding(r, "udev_rule");
        assertEquals(Finding.Status.ADVISORY, f.status());
        assertTrue(f.fix().orElseThrow().startsWith("sudo cp udev-rules/70-zmk-agent.rules /etc/udev/rules.d/ && sudo udevadm control --reload"), f.toString());
        assertEquals(0, r.exitStatus(), "serial DFU needs the rule, capture does not");
        assertTrue(r.text().contains("WARN udev rule:"), r.text());
    }

    @Test
    void aRuleThatLacksACatalogBoardNamesItsIds() throws Exception {
        String nano = String.join("\n", Files.readAllLines(FakeMachine.repoFile("udev-rules/70-zmk-agent.rules")).stream()
                .filter(l -> !l.contains("2886")).toList());
        Files.delete(fake.path("/etc/udev/rules.d/70-zmk-agent.rules"));
        fake.write("/usr/lib/udev/rules.d/70-zmk-agent.rules", nano);
        Finding f = fake.finding(fake.run(), "udev_rule");
        assertEquals(Finding.Status.ADVISORY, f.status());
        assertTrue(f.message().startsWith("/usr/lib/udev/rules.d/70-zmk-agent.rules does not cover 2886:0044 usb (Seeed XIAO"), f.message());
        assertTrue(f.message().contains("2886:0045 tty"), f.message());
    }

    @Test
    void theRuleIsFoundWhereThePackageInstallsItAndAnEtcFileOfTheSameNameHidesIt() throws Exception {
        Path etc = fake.path("/etc/udev/rules.d/70-zmk-agent.rules");
        fake.write("/lib/udev/rules.d/70-zmk-agent.rules", Files.readString(etc));
        Files.delete(etc);
        Finding ok = fake.finding(fake.run(), "udev_rule");
        assertEquals(Finding.Status.OK, ok.status(), ok.toString());
        assertTrue(ok.message().startsWith("/lib/udev/rules.d/70-zmk-agent.rules covers every catalog board"), ok.message());

        fake.write("/etc/udev/rules.d/70-zmk-agent.rules", "# disabled by the admin\n");
        assertEquals(Finding.Status.ADVISORY, fake.finding(fake.run(), "udev_rule").status(), "udev reads only the /etc file of that name");
    }

    @Test
    void aUaccessRuleThatSortsAfterSeatLateHasNoEffect() throws Exception {
        Path etc = fake.path("/etc/udev/rules.d/70-zmk-agent.rules");
        Files.move(etc, fake.path("/etc/udev/rules.d/99-zmk-agent.rules"));
        Finding f = fake.finding(fake.run(), "udev_rule");
        assertEquals(Finding.Status.ADVISORY, f.status());
        assertTrue(f.message().contains("/etc/udev/rules.d/99-zmk-agent.rules] sets TAG+=\"uaccess\" but sorts after 73-seat-late.rules"), f.message());
    }

    // --- access to the bootloader's nodes ---

    @Test
    void aSerialPortOfAnotherOwnerAndGroupIsNotYoursAndTheFixNamesTheGroup() throws Exception {
        fake.write("/etc/group", "dialout:x:" + FakeMachine.REAL_GID + ":\nkim:x:5000:\n");
        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L));
        fake.node("/dev/ttyACM0", "rw-rw----");
        fake.answers.put("getfacl -n -p " + fake.path("/dev/ttyACM0"), new CommandRunner.Result(0, "# file: /dev/ttyACM0\nuser::rw-\ngroup::rw-\nother::---"));
        DesktopDoctor.Report r = fake.run();
        Finding f = fake.finding(r, "serial_port");
        assertEquals(Finding.Status.ADVISORY, f.status(), r.text());
        assertTrue(f.message().contains("you cannot read and write /dev/ttyACM0 (mode 0660, group dialout"), f.message());
        assertTrue(f.fix().orElseThrow().endsWith("or sudo usermod -aG dialout kim and log in again"), f.fix().toString());
        assertTrue(fake.runner.commands.contains(List.of("getfacl", "-n", "-p", fake.path("/dev/ttyACM0").toString())));

        // In the group: yours.
        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L, FakeMachine.REAL_GID));
        Finding group = fake.finding(fake.run(), "serial_port");
        assertEquals(Finding.Status.OK, group.status(), group.toString());
        assertTrue(group.message().endsWith("is yours to read and write (group dialout)"), group.message());
    }

    @Test
    void theUaccessAclLogindSetsGivesYouThePort() throws Exception {
        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L));
        fake.node("/dev/ttyACM0", "rw-rw----");
        fake.answers.put("getfacl -n -p " + fake.path("/dev/ttyACM0"),
                new CommandRunner.Result(0, "# file: /dev/ttyACM0\n# owner: 0\n# group: 20\nuser::rw-\nuser:" + FakeMachine.OTHER_UID + ":rw-\ngroup::rw-\nmask::rw-\nother::---"));
        Finding f = fake.finding(fake.run(), "serial_port");
        assertEquals(Finding.Status.OK, f.status(), f.toString());
        assertTrue(f.message().endsWith("(ACL for uid " + FakeMachine.OTHER_UID + ")"), f.message());

        // The mask limits a named entry: r-- leaves the port unwritable.
        fake.answers.put("getfacl -n -p " + fake.path("/dev/ttyACM0"),
                new CommandRunner.Result(0, "user::rw-\nuser:" + FakeMachine.OTHER_UID + ":rw-\ngroup::rw-\nmask::r--\nother::---"));
        assertEquals(Finding.Status.ADVISORY, fake.finding(fake.run(), "serial_port").status());
    }

    @Test
    void aBootloaderDriveThatIsNotMountedBlocksCaptureAndSaysHowToMountIt() throws Exception {
        fake.mounts();
        DesktopDoctor.Report r = fake.run();
        Finding f = fake.finding(r, "block_device");
        assertEquals(Finding.Status.BLOCKING, f.status());
        assertTrue(f.message().startsWith("/dev/sda of the nice!nano bootloader (239a:00b3 at USB 1-1) is not mounted"), f.message());
        assertEquals("udisksctl mount -b /dev/sda", f.fix().orElseThrow());
        assertEquals(1, r.exitStatus());
        assertEquals(true, r.json().get("capture_blocked"));
        assertTrue(r.text().contains("FAIL bootloader drive:"), r.text());
        assertTrue(r.text().contains("1 problem blocks a capture (FAIL)"), r.text());
    }

    @Test
    void aDriveMountedByRootWhoseFilesYouCannotReadBlocks() throws Exception {
        fake.node("/media/kim/NICENANO/CURRENT.UF2", "rw-------");
        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L));
        DesktopDoctor.Report r = fake.run();
        Finding f = fake.finding(r, "block_device");
        assertEquals(Finding.Status.BLOCKING, f.status(), r.text());
        assertTrue(f.message().contains("is mounted at /media/kim/NICENANO, but you cannot read its CURRENT.UF2 (owner uid " + FakeMachine.REAL_UID
                + ", mode 0600)"), f.message());
        assertEquals("sudo umount /media/kim/NICENANO && udisksctl mount -b /dev/sda (udisks2 mounts it as yours)", f.fix().orElseThrow());

        Files.setPosixFilePermissions(fake.path("/media/kim/NICENANO/CURRENT.UF2"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Finding.Status.OK, fake.finding(fake.run(), "block_device").status(), "readable by others: capturable");
    }

    @Test
    void aKeyboardRunningZmkHasItsConsolePortCheckedAndNoDriveExpected() throws Exception {
        Files.delete(fake.path("/sys/bus/usb/devices/1-1"));
        String usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2";
        fake.write(usb + "/idVendor", "1d50\n");
        fake.write(usb + "/idProduct", "615e\n");
        Files.createDirectories(fake.path(usb + "/1-2:1.0/tty/ttyACM1"));
        Files.createSymbolicLink(fake.path("/sys/bus/usb/devices/1-2"), Path.of("../../../devices/pci0000:00/0000:00:14.0/usb1/1-2"));
        fake.node("/dev/ttyACM1", "rw-------");
        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L));
        DesktopDoctor.Report r = fake.run();
        List<Finding> ports = r.findings().stream().filter(f -> f.check().equals("serial_port")).toList();
        assertEquals(Finding.Status.ADVISORY, ports.get(0).status(), r.text());
        assertTrue(ports.get(0).message().startsWith("ZMK keyboard (1d50:615e at USB 1-2): you cannot read and write /dev/ttyACM1"), ports.get(0).message());
        assertTrue(fake.finding(r, "block_device").message().startsWith("no bootloader plugged in"), r.text());
    }

    @Test
    void withNoBootloaderPluggedInTheSerialPortComesFromTheRuleOrTheGroup() throws Exception {
        Files.delete(fake.path("/sys/bus/usb/devices/1-1"));
        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L));
        Finding viaRule = fake.finding(fake.run(), "serial_port");
        assertEquals(Finding.Status.OK, viaRule.status());
        assertTrue(viaRule.message().contains("through the udev rule's uaccess tag"), viaRule.message());
        assertTrue(fake.finding(fake.run(), "block_device").message().startsWith("no bootloader plugged in"));

        Files.delete(fake.path("/etc/udev/rules.d/70-zmk-agent.rules"));
        fake.write("/etc/group", "dialout:x:20:\nkim:x:" + FakeMachine.REAL_GID + ":\n");
        Finding none = fake.finding(fake.run(), "serial_port");
        assertEquals(Finding.Status.ADVISORY, none.status());
        assertTrue(none.fix().orElseThrow().endsWith("or sudo usermod -aG dialout kim and log in again"), none.fix().toString());

        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L, 20L));
        Finding group = fake.finding(fake.run(), "serial_port");
        assertEquals(Finding.Status.OK, group.status());
        assertTrue(group.message().contains("you are in group dialout"), group.message());

        fake.identity(0, 0, List.of(0L));
        assertTrue(fake.finding(fake.run(), "serial_port").message().contains("you are root"));
    }

    // --- automount and the watched folders ---

    @Test
    void withoutUdisks2NothingIsMountedSoCaptureIsBlocked() throws Exception {
        Files.delete(fake.path("/usr/libexec/udisks2/udisksd"));
        DesktopDoctor.Report r = fake.run();
        Finding f = fake.finding(r, "udisks2");
        assertEquals(Finding.Status.BLOCKING, f.status());
        assertEquals("sudo apt install udisks2", f.fix().orElseThrow());
        assertEquals(1, r.exitStatus());
    }

    @Test
    void aFailedUdisks2BlocksAndAnInactiveOneIsFineBecauseDbusStartsIt() throws Exception {
        fake.answers.put("systemctl is-active udisks2.service", new CommandRunner.Result(3, "failed"));
        assertEquals(Finding.Status.BLOCKING, fake.finding(fake.run(), "udisks2").status());
        fake.answers.put("systemctl is-active udisks2.service", new CommandRunner.Result(3, "inactive"));
        Finding f = fake.finding(fake.run(), "udisks2");
        assertEquals(Finding.Status.OK, f.status());
        assertTrue(f.message().contains("D-Bus starts it"), f.message());
    }

    @Test
    void noAutomounterIsAdvisory() throws Exception {
        Files.delete(fake.path("/proc/2345/comm"));
        Finding f = fake.finding(fake.run(), "automounter");
        assertEquals(Finding.Status.ADVISORY, f.status());
        assertTrue(f.fix().orElseThrow().contains("udiskie"), f.toString());
    }

    @Test
    void aDriveMountedWhereTheWatchDoesNotLookBlocks() throws Exception {
        // A VM's shared folder: not under a media folder, and not FAT or FUSE in the mount table.
        fake.mounts("share0 /srv/vm-share/NICENANO virtiofs rw,relatime 0 0");
        fake.write("/srv/vm-share/NICENANO/INFO_UF2.TXT", "UF2 Bootloader 0.6.1\n");
        DesktopDoctor.Report r = fake.run();
        Finding f = fake.finding(r, "media_folders");
        assertEquals(Finding.Status.BLOCKING, f.status(), r.text());
        assertTrue(f.message().startsWith("a bootloader drive is mounted at /srv/vm-share/NICENANO (virtiofs), which zmk-agent watch neither"), f.message());
        assertTrue(f.fix().orElseThrow().endsWith("or run watch with --media /srv/vm-share)"), f.fix().toString());
        assertEquals(1, r.exitStatus());

        // With that folder a media root, the watch finds it.
        fake.env.put("ZMK_AGENT_MEDIA_ROOTS", "/srv/vm-share");
        Finding ok = fake.finding(fake.run(), "media_folders");
        assertEquals(Finding.Status.OK, ok.status(), ok.toString());
        assertTrue(ok.message().startsWith("watching /srv/vm-share and the FAT/FUSE mounts of /proc/self/mounts"), ok.message());
    }

    @Test
    void theUsualFoldersAreWatchedAndAFatMountAnywhereIsFoundThroughTheMountTable() throws Exception {
        Finding ok = fake.finding(fake.run(), "media_folders");
        assertEquals(Finding.Status.OK, ok.status());
        assertTrue(ok.message().contains("/media/kim, /run/media/kim (absent) and the FAT/FUSE mounts of /proc/self/mounts"), ok.message());

        // ZMK_AGENT_MEDIA_ROOTS replaces the folders, but watch still reads the mount table: a vfat drive elsewhere is seen.
        fake.env.put("ZMK_AGENT_MEDIA_ROOTS", "/srv/drives");
        assertEquals(Finding.Status.OK, fake.finding(fake.run(), "media_folders").status());

        fake.env.remove("ZMK_AGENT_MEDIA_ROOTS");
        fake.env.remove("USER");
        Finding noUser = fake.finding(fake.run(), "media_folders");
        assertEquals(Finding.Status.ADVISORY, noUser.status());
        assertTrue(noUser.message().startsWith("USER is not set"), noUser.message());
    }

    // --- the systemd user unit, through the recording runner ---

    @Test
    void noUnitIsAdvisoryADisabledOneToo() throws Exception {
        Files.delete(fake.config.resolve("systemd/user/zmk-agent.service"));
        fake.answers.put("systemctl --user is-enabled zmk-agent.service", new CommandRunner.Result(1, "not-found"));
        Finding missing = fake.finding(fake.run(), "user_unit");
        assertEquals(Finding.Status.ADVISORY, missing.status());
        assertEquals("zmk-agent watch --install-service", missing.fix().orElseThrow());
        assertTrue(fake.runner.commands.stream().noneMatch(c -> c.contains("--user")), "nothing to ask systemd about: " + fake.runner.commands);

        fake.write("/usr/lib/systemd/user/zmk-agent.service", "[Unit]\n");
        fake.answers.put("systemctl --user is-enabled zmk-agent.service", new CommandRunner.Result(1, "disabled"));
        Finding disabled = fake.finding(fake.run(), "user_unit");
        assertEquals(Finding.Status.ADVISORY, disabled.status());
        assertTrue(disabled.message().startsWith("/usr/lib/systemd/user/zmk-agent.service is installed but disabled"), disabled.message());
        assertEquals("systemctl --user enable --now zmk-agent.service", disabled.fix().orElseThrow());
    }

    @Test
    void onAMachineWithoutSystemdItsErrorSentenceIsNotTakenForAState() throws Exception {
        CommandRunner.Result noSystemd = new CommandRunner.Result(1, "System has not been booted with systemd as init system (PID 1). Can't operate.\n"
                + "Failed to connect to bus: Host is down");
        fake.answers.put("systemctl is-active udisks2.service", noSystemd);
        fake.answers.put("systemctl is-enabled udisks2.service", noSystemd);
        fake.answers.put("systemctl --user is-enabled zmk-agent.service", noSystemd);
        DesktopDoctor.Report r = fake.run();
        assertEquals("udisks2 installed (/usr/libexec/udisks2/udisksd)", fake.finding(r, "udisks2").message());
        Finding unit = fake.finding(r, "user_unit");
        assertEquals(Finding.Status.ADVISORY, unit.status());
        assertTrue(unit.message().endsWith("is installed, but the systemd user manager does not answer (System has not been booted with systemd "
                + "as init system (PID 1). Can't operate.)"), unit.message());

        fake.answers.put("systemctl --user is-enabled zmk-agent.service", new CommandRunner.Result(1, "not-found"));
        assertEquals("systemctl --user daemon-reload && systemctl --user enable --now zmk-agent.service",
                fake.finding(fake.run(), "user_unit").fix().orElseThrow(), "a unit file written after the last daemon-reload");
    }

    @Test
    void anEnabledUnitThatIsNotRunningBlocks() throws Exception {
        fake.answers.put("systemctl --user is-active zmk-agent.service", new CommandRunner.Result(3, "failed"));
        DesktopDoctor.Report r = fake.run();
        Finding f = fake.finding(r, "user_unit");
        assertEquals(Finding.Status.BLOCKING, f.status());
        assertTrue(f.message().startsWith("zmk-agent.service is enabled but failed"), f.message());
        assertTrue(f.fix().orElseThrow().startsWith("systemctl --user restart zmk-agent.service"), f.toString());
        assertEquals(1, r.exitStatus());
    }

    @Test
    void aUserManagerThatDoesNotAnswerIsAdvisory() throws Exception {
        fake.answers.put("systemctl --user is-enabled zmk-agent.service", new CommandRunner.Result(1, "Failed to connect to bus: No medium found"));
        Finding f = fake.finding(fake.run(), "user_unit");
        assertEquals(Finding.Status.ADVISORY, f.status());
        assertTrue(f.fix().orElseThrow().contains("loginctl enable-linger kim"), f.toString());
        assertTrue(fake.runner.commands.stream().noneMatch(c -> c.contains("is-active") && c.contains("--user")), "no is-active after the manager did not answer");
    }

    // --- the data folder and the registry ---

    @Test
    void aDataFolderOthersCanReadIsAdvisoryWithChmod() throws Exception {
        Files.setPosixFilePermissions(fake.data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Finding f = fake.finding(fake.run(), "data_folder");
        assertEquals(Finding.Status.ADVISORY, f.status());
        assertTrue(f.message().contains("not private (mode 0755)"), f.message());
        assertEquals("chmod 700 " + fake.data, f.fix().orElseThrow());
    }

    @Test
    void aCapturesFolderYouCannotWriteBlocks() throws Exception {
        Path captures = Files.createDirectory(fake.data.resolve("captures"));
        // The data folder open to all, its captures/ someone else's (the test's own uid, not the recorded user's).
        Files.setPosixFilePermissions(captures, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(fake.data, PosixFilePermissions.fromString("rwxrwxrwx"));
        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L));
        Finding f = fake.finding(fake.run(), "data_folder");
        assertEquals(Finding.Status.BLOCKING, f.status(), f.toString());
        assertTrue(f.message().startsWith(captures + " is not yours to write (made by a zmk-agent run with sudo?): captures cannot be stored"), f.message());
        assertEquals("sudo chown -R kim " + fake.data, f.fix().orElseThrow());
    }

    @Test
    void aDataFolderThatIsNotYoursBlocks() throws Exception {
        fake.identity(FakeMachine.OTHER_UID, 5000, List.of(5000L));
        DesktopDoctor.Report r = fake.run();
        Finding f = fake.finding(r, "data_folder");
        assertEquals(Finding.Status.BLOCKING, f.status(), r.text());
        assertTrue(f.message().endsWith("is not yours to write: captures cannot be stored"), f.message());
        assertEquals(1, r.exitStatus());
    }

    @Test
    void aDataFolderNotYetMadeIsFineAndAFileInItsPlaceBlocks() throws Exception {
        Path elsewhere = tmp.resolve("home/kim/new/zmk-agent");
        Files.createDirectories(elsewhere.getParent());
        Machine m = new Machine(fake.root, fake.env, fake.runner, fake.bus, elsewhere, fake.config, dev.zmkagent.device.boards.BoardCatalog.builtin());
        Finding f = new DataFolderCheck().check(m).get(0);
        assertEquals(Finding.Status.OK, f.status());
        assertTrue(f.message().endsWith("is created (0700) at the first capture"), f.message());
        Files.writeString(elsewhere, "oops");
        assertEquals(Finding.Status.BLOCKING, new DataFolderCheck().check(m).get(0).status());
    }

    @Test
    void noRegisteredFirmwareIsAdvisory() throws Exception {
        try (var s = Files.walk(fake.data.resolve("firmware"))) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Finding f = fake.finding(fake.run(), "firmware");
        assertEquals(Finding.Status.ADVISORY, f.status());
        assertTrue(f.fix().orElseThrow().startsWith("zmk-agent firmware add zmk.elf zmk.uf2"), f.toString());
    }

    // --- the session bus, a real dbus-daemon ---

    @Test
    void withNobodyOwningTheNamesNotificationsAndTrayAreAdvisory() throws Exception {
        desktop.releaseBusName(NotificationServerCheck.NAME);
        desktop.releaseBusName(TrayCheck.NAME);
        DesktopDoctor.Report r = fake.run();
        assertEquals(Finding.Status.OK, fake.finding(r, "session_bus").status());
        Finding n = fake.finding(r, "notifications");
        assertEquals(Finding.Status.ADVISORY, n.status());
        assertTrue(n.message().startsWith("no notification server: nobody owns org.freedesktop.Notifications"), n.message());
        assertEquals(Finding.Status.ADVISORY, fake.finding(r, "tray").status());
        assertEquals(0, r.exitStatus(), "a capture without a notification is still a capture");
    }

    @Test
    void anActivatableNotificationServerIsOk() throws Exception {
        desktop.releaseBusName(NotificationServerCheck.NAME);
        Files.writeString(bus.serviceDir().resolve("org.example.Notifier.service"),
                "[D-BUS Service]\nName=org.freedesktop.Notifications\nExec=/bin/false\n");
        desktop.close();
        desktop = null;
        // The daemon reads its service folder when it changes (inotify); ask again until it has.
        Finding n = null;
        for (int i = 0; i < 50; i++) {
            n = fake.finding(fake.run(), "notifications");
            if (n.status() == Finding.Status.OK) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(Finding.Status.OK, n.status(), n.toString());
        assertTrue(n.message().contains("D-Bus starts it on the first notification"), n.message());
    }

    @Test
    void noSessionBusIsAdvisoryAndTheBusChecksSaySoInsteadOfGuessing() throws Exception {
        fake.bus = Optional.empty();
        DesktopDoctor.Report r = fake.run();
        Finding b = fake.finding(r, "session_bus");
        assertEquals(Finding.Status.ADVISORY, b.status());
        assertTrue(b.message().startsWith("no session bus address"), b.message());
        assertEquals("not checked: no session bus", fake.finding(r, "notifications").message());

        fake.bus = Optional.of("unix:path=" + tmp.resolve("no-such-socket"));
        Finding dead = fake.finding(fake.run(), "session_bus");
        assertEquals(Finding.Status.ADVISORY, dead.status());
        assertTrue(dead.message().startsWith("cannot connect to the session bus at unix:path="), dead.message());
        assertTrue(dead.message().contains(": no socket at " + tmp.resolve("no-such-socket") + ":"), dead.message());

        // A socket that is there but is no bus: what the connection attempt says.
        Path notABus = tmp.resolve("not-a-bus");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(notABus));
            fake.bus = Optional.of("unix:path=" + notABus);
            long t0 = System.nanoTime();
            Finding f = fake.finding(fake.run(), "session_bus");
            assertEquals(Finding.Status.ADVISORY, f.status(), f.toString());
            assertEquals("the session bus at unix:path=" + notABus + " does not answer (waited 5 s): captures are stored but no notification "
                    + "or tray icon shows them", f.message());
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "doctor does not hang on a bus that never answers");
        }
    }
}
