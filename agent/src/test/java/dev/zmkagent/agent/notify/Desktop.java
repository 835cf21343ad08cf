package dev.zmkagent.agent.notify;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.agent.testkit.SessionBus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway desktop for tests: Xvfb on a free display, a private session D-Bus ({@link SessionBus}), and whatever else the test starts
 * (dunst, dbus-monitor, trayer). Everything is stopped on close. Skips the test when a binary is missing.
 */
final class Desktop implements AutoCloseable {
    final String display;
    final String busAddress;
    private final SessionBus bus;
    private final List<Process> processes = new ArrayList<>();

    static void assumeTools(String... tools) {
        for (String t : tools) {
            assumeTrue(onPath(t), t + " is not installed");
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    Desktop() throws Exception {
        int n = 90 + (int) (ProcessHandle.current().pid() % 100);
        while (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
            n++;
        }
        display = ":" + n;
        start(List.of("Xvfb", display, "-screen", "0", "800x600x24", "-nolisten", "tcp"), null);
        for (int i = 0; i < 100 && !Files.exists(Path.of("/tmp/.X11-unix/X" + n)); i++) {
            Thread.sleep(50);
        }
        bus = new SessionBus();
        busAddress = bus.address();
    }

    Process start(List<String> cmd, Path output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DISPLAY", display == null ? "" : display);
        if (busAddress != null) {
            pb.environment().put("DBUS_SESSION_BUS_ADDRESS", busAddress);
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(output.toFile()));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        }
        bus.close();
    }
}
