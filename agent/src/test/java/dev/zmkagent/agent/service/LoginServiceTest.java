package dev.zmkagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The login service of each platform, in a recorded home folder with a recording command runner: the file written
 * (where, what, user-only), the registration commands in order, and what is said when one fails.
 */
class LoginServiceTest {
    @TempDir
    Path home;

    static final List<String> WATCH = List.of("/usr/bin/zmk-agent", "watch", "--data-dir=/home/kim/zmk data");

    @Test
    void linuxWritesAUserUnitTiedToTheGraphicalSessionAndEnablesIt() throws Exception {
        RecordingRunner runner = RecordingRunner.succeeding();
        LoginService s = LoginServices.forPlatform("Linux", Map.of(), home, runner);
        assertInstanceOf(SystemdUserService.class, s);
        List<String> said = s.install(WATCH);
        Path unit = home.resolve(".config/systemd/user/zmk-agent.service");
        assertEquals(unit, s.file());
        String text = Files.readString(unit);
        assertTrue(text.contains("\nExecStart=/usr/bin/zmk-agent watch \"--data-dir=/home/kim/zmk data\"\n"), text);
        assertTrue(text.contains("\nPartOf=graphical-session.target\n"), text);
        assertTrue(text.contains("\nAfter=graphical-session.target\n"), text);
        assertTrue(text.contains("\nWantedBy=graphical-session.target\n"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(unit)));
        assertEquals(List.of(List.of("systemctl", "--user", "daemon-reload"), List.of("systemctl", "--user", "enable", "--now", "zmk-agent.service")),
                runner.commands);
        assertTrue(said.get(said.size() - 1).contains("journalctl --user -u zmk-agent"), said.toString());
    }

    @Test
    void xdgConfigHomeIsHonouredAndAFailedStepSaysWhatToRunByHand() throws Exception {
        Path config = home.resolve("cfg");
        RecordingRunner runner = new RecordingRunner(c -> c.contains("enable") ? new CommandRunner.Result(1, "Failed to connect to bus") : new CommandRunner.Result(0, ""));
        LoginService s = LoginServices.forPlatform("Linux", Map.of("XDG_CONFIG_HOME", config.toString()), home, runner);
        List<String> said = s.install(WATCH);
        assertTrue(Files.exists(config.resolve("systemd/user/zmk-agent.service")));
        assertTrue(said.contains("systemctl --user enable --now zmk-agent.service failed: Failed to connect to bus"), said.toString());
        assertEquals("to start it now and at every login, run: systemctl --user daemon-reload && systemctl --user enable --now zmk-agent.service",
                said.get(said.size() - 1));
    }

    @Test
    void macOsWritesALaunchAgentPlistAndLoadsIt() throws Exception {
        RecordingRunner runner = RecordingRunner.succeeding();
        LoginService s = LoginServices.forPlatform("Mac OS X", Map.of(), home, runner);
        assertInstanceOf(LaunchdAgent.class, s);
        List<String> cmd = List.of("/Applications/zmk-agent.app/Contents/MacOS/zmk-agent", "watch", "--media=/Volumes/A & B");
        s.install(cmd);
        Path plist = home.resolve("Library/LaunchAgents/dev.zmkagent.watch.plist");
        Document doc = parse(Files.readAllBytes(plist));
        NodeList strings = ((org.w3c.dom.Element) doc.getElementsByTagName("array").item(0)).getElementsByTagName("string");
        assertEquals(3, strings.getLength());
        for (int i = 0; i < 3; i++) {
            assertEquals(cmd.get(i), strings.item(i).getTextContent());
        }
        String text = Files.readString(plist);
        assertTrue(text.contains("<key>RunAtLoad</key>\n  <true/>"), text);
        assertTrue(text.contains("<string>Aqua</string>"), text);
        assertEquals(List.of(List.of("launchctl", "unload", plist.toString()), List.of("launchctl", "load", "-w", plist.toString())), runner.commands);
    }

    @Test
    void windowsWritesATaskWithALogonTriggerAndRegistersItWithSchtasks() throws Exception {
        RecordingRunner runner = RecordingRunner.succeeding();
        Path local = home.resolve("AppData/Local");
        LoginService s = LoginServices.forPlatform("Windows 11", Map.of("LOCALAPPDATA", local.toString(), "USERNAME", "kim", "USERDOMAIN", "DESK"), home, runner);
        assertInstanceOf(WindowsLogonTask.class, s);
        s.install(List.of("C:\\Program Files\\zmk-agent\\zmk-agent.exe", "watch", "--data-dir=C:\\Users\\kim\\zmk data"));
        Path xml = local.resolve("zmk-agent/zmk-agent-watch-task.xml");
        Document doc = parse(Files.readAllBytes(xml));
        assertEquals("DESK\\kim", doc.getElementsByTagName("LogonTrigger").item(0).getTextContent().replace("true", ""));
        assertEquals("C:\\Program Files\\zmk-agent\\zmk-agent.exe", doc.getElementsByTagName("Command").item(0).getTextContent());
        assertEquals("watch \"--data-dir=C:\\Users\\kim\\zmk data\"", doc.getElementsByTagName("Arguments").item(0).getTextContent());
        assertEquals("LeastPrivilege", doc.getElementsByTagName("RunLevel").item(0).getTextContent());
        assertEquals(List.of(List.of("schtasks", "/Create", "/TN", "zmk-agent watch", "/XML", xml.toString(), "/F"),
                List.of("schtasks", "/Run", "/TN", "zmk-agent watch")), runner.commands);
    }

    @Test
    void theServiceRunsTheLauncherWhenThereIsOneElseThisJava() {
        assertEquals(List.of("/usr/bin/zmk-agent", "watch", "--no-notify"), LoginServices.watchCommand(Optional.of("/usr/bin/zmk-agent"), List.of("--no-notify")));
        List<String> jvm = LoginServices.watchCommand(Optional.empty(), List.of());
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), jvm.get(0));
        assertEquals(List.of("dev.zmkagent.cli.Main", "watch"), jvm.subList(jvm.size() - 2, jvm.size()));
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }
}
