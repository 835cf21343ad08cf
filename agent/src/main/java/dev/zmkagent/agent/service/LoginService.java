package dev.zmkagent.agent.service;

import dev.zmkagent.device.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code zmk-agent watch} at login, the platform's way: a systemd user unit tied to the graphical session
 * (Linux), a launchd agent (macOS), a Task Scheduler task with a logon trigger (Windows). Each writes one definition
 * file and registers it with the platform's command.
 */
public abstract class LoginService {
    protected final CommandRunner runner;

    protected LoginService(CommandRunner runner) {
        this.runner = runner;
    }

    /** "systemd user unit", "launchd agent", ... */
    public abstract String kind();

    /** The definition file written. */
    public abstract Path file();

    /** The definition for {@code command} (the launcher and its arguments, absolute paths). */
    public abstract String definition(List<String> command);

    /** The commands that register {@link #file()} and start it now. */
    protected abstract List<List<String>> registration();

    /** What to tell the user once registered (where the logs are). */
    protected abstract String whenDone();

    /** Writes the definition (whole, user-only) and registers it; returns what was done, line by line. */
    public List<String> install(List<String> command) throws IOException {
        List<String> done = new ArrayList<>();
        PrivateFiles.createDirectories(file().getParent());
        PrivateFiles.writeAtomically(file(), definition(command).getBytes(StandardCharsets.UTF_8));
        done.add("wrote " + file());
        for (List<String> step : registration()) {
            CommandRunner.Result r = runner.run(step);
            if (!r.ok()) {
                done.add(String.join(" ", step) + " failed" + (r.firstLine().isEmpty() ? "" : ": " + r.firstLine()));
                done.add("to start it now and at every login, run: " + String.join(" && ", registration().stream().map(s -> String.join(" ", s)).toList()));
                return done;
            }
            done.add("ran " + String.join(" ", step));
        }
        done.add(whenDone());
        return done;
    }
}
