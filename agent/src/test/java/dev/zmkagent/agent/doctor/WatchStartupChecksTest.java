package dev.zmkagent.agent.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.agent.service.CommandRunner;
import dev.zmkagent.agent.watch.Journal;
import dev.zmkagent.agent.testkit.SessionBus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * doctor's desktop checks at watch start, against a recorded machine ({@link FakeMachine}) and a real session bus
 * (dbus-daemon): each FAIL and WARN line is logged with its fix (before, a background watch logged none of them),
 * the user unit check is not (this watch is the watcher it asks about), and the watch does not wait for the checks.
 */
class WatchStartupChecksTest {
    @TempDir
    Path tmp;
    private SessionBus bus;
    private DBusConnection desktop;
    private FakeMachine fake;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Journal log = new Journal(new PrintStream(out, true, StandardCharsets.UTF_8), true, false);

    @BeforeEach
    void machine() throws Exception {
        assumeTrue(DesktopDoctorTest.onPath("dbus-daemon"), "dbus-daemon is not installed");
        bus = new SessionBus();
        desktop = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build();
        desktop.requestBusName(TrayCheck.NAME); // a tray host, but no notification server
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

    private String logged() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyFailAndWarnLineIsLoggedWithItsFix() throws Exception {
        Files.delete(fake.path("/etc/udev/rules.d/70-zmk-agent.rules"));  // no udev rule
        Files.delete(fake.path("/proc/2345/comm"));                        // no automounter
        fake.mounts("share0 /srv/vm-share/NICENANO virtiofs rw,relatime 0 0");      // a drive where watch does not look
        fake.write("/srv/vm-share/NICENANO/INFO_UF2.TXT", "UF2 Bootloader 0.6.1\n");
        fake.answers.put("systemctl --user is-active zmk-agent.service", new CommandRunner.Result(3, "activating"));
        DesktopDoctor.Report r = fake.run();
        WatchStartupChecks.runAndLog(DesktopDoctor.linux(), fake::machine, log);
        String text = logged();
        int problems = 0;
        for (Finding f : r.findings()) {
            if (f.status() == Finding.Status.OK || f.check().equals("user_unit")) {
                continue;
            }
            problems++;
            String line = (f.status() == Finding.Status.BLOCKING ? "<3>doctor: FAIL " : "<4>doctor: WARN ") + f.label() + ": " + f.message()
                    + "; fix: " + f.fix().orElseThrow() + "\n";
            assertTrue(text.contains(line), "missing: " + line + "in:\n" + text);
        }
        assertEquals(problems, text.lines().count(), text);
        // the lines this machine was set up to give
        assertTrue(text.contains("<3>doctor: FAIL media folders: a bootloader drive is mounted at /srv/vm-share/NICENANO")
                && text.contains("<4>doctor: WARN automounter: ") && text.contains("<4>doctor: WARN udev rule: "), text);
        assertTrue(r.findings().stream().anyMatch(f -> f.check().equals("notifications") && f.status() != Finding.Status.OK), r.text());
        assertTrue(text.contains("doctor: WARN " + fake.finding(r, "notifications").label() + ": "), text);
    }

    @Test
    void theUserUnitIsNotCheckedByTheWatchItRuns() throws Exception {
        desktop.requestBusName(NotificationServerCheck.NAME);
        // doctor run from a shell would say the unit is not running; the watch asking is that unit, starting
        fake.answers.put("systemctl --user is-active zmk-agent.service", new CommandRunner.Result(3, "inactive"));
        assertEquals(Finding.Status.BLOCKING, fake.finding(fake.run(), "user_unit").status());
        WatchStartupChecks.runAndLog(DesktopDoctor.linux(), fake::machine, log);
        assertFalse(logged().contains("FAIL"), logged());
        assertTrue(logged().startsWith("<6>doctor: everything a capture needs is in place ("), logged());
    }

    @Test
    void theWatchDoesNotWaitForTheChecks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DesktopCheck slow = m -> {
            try {
                release.await(30, TimeUnit.SECONDS); // a bus that does not answer until its timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(Finding.blocking("udev_rule", "udev rule", "no rule", "install it"));
        };
        Thread t = WatchStartupChecks.inBackground(new DesktopDoctor(List.of(slow)), fake::machine, log);
        assertTrue(t.isAlive() && t.isDaemon(), "the checks run beside the watch, which goes on at once");
        assertEquals("", logged());
        release.countDown();
        t.join(30_000);
        assertEquals("<3>doctor: FAIL udev rule: no rule; fix: install it\n", logged());
    }
}
