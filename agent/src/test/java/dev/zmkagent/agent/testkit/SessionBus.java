package dev.zmkagent.agent.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private session D-Bus for a test: {@code dbus-daemon --print-address --nofork} with a config of its own (the
 * session bus's policy, but only {@link #serviceDir()} for D-Bus activation, so no notification server installed on
 * this machine becomes activatable). Stopped on close. Callers check {@code dbus-daemon} is installed first.
 */
public final class SessionBus implements AutoCloseable {
    private final Path dir;
    private final Process daemon;
    private final String address;

    public SessionBus() throws IOException {
        dir = Files.createTempDirectory("zmk-agent-bus");
        Files.createDirectories(dir.resolve("services"));
        Path config = dir.resolve("session.conf");
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>unix:tmpdir=%s</listen>
                  <auth>EXTERNAL</auth>
                  <servicedir>%s</servicedir>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """.formatted(dir, dir.resolve("services")));
        daemon = new ProcessBuilder("dbus-daemon", "--config-file=" + config, "--print-address", "--nofork")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String line = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            daemon.destroyForcibly();
            throw new IOException("dbus-daemon printed no address");
        }
        address = line.trim();
    }

    public String address() {
        return address;
    }

    /** Where a test puts .service files to make a name activatable. */
    public Path serviceDir() {
        return dir.resolve("services");
    }

    @Override
    public void close() throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(3, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind
        }
    }
}
