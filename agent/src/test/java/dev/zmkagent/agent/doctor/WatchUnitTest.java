package dev.zmkagent.agent.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.agent.service.LoginServices;
import dev.zmkagent.agent.service.RecordingRunner;
import dev.zmkagent.agent.service.SystemdUserService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * doctor's media folder check sees the folders the watch of the user's systemd unit watches: its --media options and
 * its Environment= (before, only doctor's own environment, so a drive under a unit's --media folder was reported as
 * never captured), and inside a running watch that watch's own --media.
 */
class WatchUnitTest {
    @TempDir
    Path tmp;
    private FakeMachine fake;

    @BeforeEach
    void machine() throws Exception {
        fake = new FakeMachine(tmp);
        // a VM's shared folder: not under a media folder, and not FAT or FUSE in the mount table
        fake.mounts("share0 /srv/vm-share/NICENANO virtiofs rw,relatime 0 0");
        fake.write("/srv/vm-share/NICENANO/INFO_UF2.TXT", "UF2 Bootloader 0.6.1\n");
    }

    private void unit(String text) throws Exception {
        Files.writeString(fake.config.resolve("systemd/user/zmk-agent.service"), text);
    }

    /** The unit `zmk-agent watch --install-service --media /srv/vm-share` writes, from our own SystemdUserService. */
    private static String installedUnit(String... args) {
        return new SystemdUserService(Path.of("/unused"), new RecordingRunner(c -> null))
                .definition(LoginServices.watchCommand(Optional.of("/usr/bin/zmk-agent"), List.of(args)));
    }

    @Test
    void theMediaFolderOfTheInstalledUnitIsWatched() throws Exception {
        assertEquals(Finding.Status.BLOCKING, fake.finding(fake.run(), "media_folders").status(), "without it the drive is missed");
        unit(installedUnit("--media=/srv/vm-share"));
        Finding ok = fake.finding(fake.run(), "media_folders");
        assertEquals(Finding.Status.OK, ok.status(), ok.toString());
        assertTrue(ok.message().startsWith("watching /srv/vm-share (--media in ") && ok.message().contains("zmk-agent.service)"), ok.message());
        assertTrue(ok.message().contains("bootloader drive mounted at /srv/vm-share/NICENANO"), ok.message());
    }

    @Test
    void theBlockingFindingSaysHowToWatchThatFolder() throws Exception {
        Finding f = fake.finding(fake.run(), "media_folders");
        assertTrue(f.fix().orElseThrow().endsWith("zmk-agent watch --install-service --media /srv/vm-share (or run watch with --media /srv/vm-share)"),
                f.fix().toString());
        // doing what the fix says makes the finding OK
        unit(installedUnit("--media=/srv/vm-share"));
        assertEquals(Finding.Status.OK, fake.finding(fake.run(), "media_folders").status());
    }

    @Test
    void aHandWrittenUnitIsReadAsSystemdSplitsIt() throws Exception {
        unit("[Service]\nExecStart=/usr/bin/zmk-agent watch --no-notify --media \"/srv/vm-share\"\n");
        assertEquals(Finding.Status.OK, fake.finding(fake.run(), "media_folders").status());
        unit("[Service]\nEnvironment=\"ZMK_AGENT_MEDIA_ROOTS=/srv/vm-share\" LANG=C\nExecStart=/usr/bin/zmk-agent watch\n");
        Finding env = fake.finding(fake.run(), "media_folders");
        assertEquals(Finding.Status.OK, env.status(), env.toString());
        assertTrue(env.message().contains("(ZMK_AGENT_MEDIA_ROOTS in "), env.message());
        WatchUnit u = WatchUnit.parse("u", "ExecStart=-/opt/zmk agent/zmk-agent watch --media=/a --media '/b c' --media=\"/d\\\"e\" --media=/100%%\n"
                + "ExecStart=/usr/bin/zmk-agent watch --media=/last\n");
        assertEquals(List.of(Path.of("/last")), u.media(), "a later ExecStart= replaces the earlier one");
        assertEquals(List.of("-/opt/zmk", "agent/zmk-agent", "watch", "--media=/a", "--media", "/b c", "--media=/d\"e", "--media=/100%"),
                WatchUnit.words("-/opt/zmk agent/zmk-agent watch --media=/a --media '/b c' --media=\"/d\\\"e\" --media=/100%%"));
        assertEquals(Map.of("A", "1", "B", "2 3"), WatchUnit.parse("u", "Environment=A=1 \"B=2 3\"\n").env());
    }

    @Test
    void insideARunningWatchItsOwnMediaCount() throws Exception {
        unit(installedUnit("--media=/srv/vm-share"));
        try (Machine m = fake.machine()) {
            // a watch run by hand without --media: the unit's folders are not this watch's
            assertEquals(Finding.Status.BLOCKING, DesktopDoctor.linux().run(m.watching(List.of())).findings().stream()
                    .filter(f -> f.check().equals("media_folders")).findFirst().orElseThrow().status());
        }
        unit("[Unit]\n");
        try (Machine m = fake.machine()) {
            Finding ok = DesktopDoctor.linux().run(m.watching(List.of(Path.of("/srv/vm-share")))).findings().stream()
                    .filter(f -> f.check().equals("media_folders")).findFirst().orElseThrow();
            assertEquals(Finding.Status.OK, ok.status(), ok.toString());
            assertTrue(ok.message().startsWith("watching /srv/vm-share (this watch's --media)"), ok.message());
        }
    }
}
