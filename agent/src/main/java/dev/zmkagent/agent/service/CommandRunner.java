package dev.zmkagent.agent.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    CommandRunner SYSTEM = system(Duration.ofSeconds(30));

    /**
     * Runs commands for real, waiting at most {@code timeout} for each: the output is read on a thread of its own, so
     * a command that hangs (or leaves a child holding its output open) is given up on in time, not waited for forever.
     * At most 1 MiB of output is kept.
     */
    static CommandRunner system(Duration timeout) {
        return command -> {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                    try (InputStream in = p.getInputStream()) {
                        return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8).trim();
                    } catch (IOException e) {
                        return "";
                    }
                }, r -> {
                    Thread t = new Thread(r, "command output");
                    t.setDaemon(true);
                    t.start();
                });
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, "timed out after " + timeout.toSeconds() + " s");
                }
                try {
                    return new Result(p.exitValue(), out.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                } catch (ExecutionException | TimeoutException e) {
                    return new Result(p.exitValue(), "");     // a child of the command still holds its output open
                }
            } catch (IOException e) {
                return new Result(-1, command.get(0) + " is not available");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(-1, "interrupted");
            }
        };
    }
}
