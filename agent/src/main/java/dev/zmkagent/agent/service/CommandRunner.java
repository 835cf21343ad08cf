package dev.zmkagent.agent.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a platform command (systemctl, launchctl, schtasks); a recording runner stands in for it in tests. */
public interface CommandRunner {
    /** What a command did: its exit code (-1 when it could not be started) and its output (stdout and stderr, trimmed). */
    record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The first line of the output, for one-line messages. */
        public String firstLine() {
            return output.lines().findFirst().orElse("");
        }
    }

    Result run(List<String> command);

    /** Runs the command for real, waiting at most 30 s. */
    CommandRunner SYSTEM = command -> {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, command.get(0) + " is not available");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    };
}
