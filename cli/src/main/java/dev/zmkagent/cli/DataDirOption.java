package dev.zmkagent.cli;

import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.DataDirs;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.bytes.SafeText;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The shared --data-dir option of the commands that use the capture store and the firmware registry. */
final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where captures and registered firmware live (default: $XDG_DATA_HOME/zmk-agent, ~/.local/share/zmk-agent;"
                    + " macOS ~/Library/Application Support/zmk-agent; Windows %%LOCALAPPDATA%%\\zmk-agent).")
    Path dataDir;

    DataDirs dirs() {
        if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new FormatException("--data-dir " + dataDir + " is a file, not a folder: give the folder that holds captures/ and firmware/");
        }
        return dataDir == null ? DataDirs.forUser() : new DataDirs(dataDir);
    }

    CaptureStore store() {
        return new CaptureStore(dirs().captures());
    }

    /**
     * The store of a command that only reads it (history, reanalyze, bundle): a --data-dir that does not exist is a
     * mistyped path, not an empty store (the default folder of a new user is still just empty).
     */
    CaptureStore existingStore() {
        if (dataDir != null && !Files.exists(dataDir)) {
            throw new FormatException("--data-dir " + dataDir + " does not exist (no captures there; check the path)");
        }
        return store();
    }

    /** Says, one line each on stderr, which captures were skipped because their capture.json is damaged. */
    static void warnDamaged(CaptureStore.Listing listing, PrintWriter err) {
        listing.damaged().forEach(d -> err.println("zmk-agent: warning: " + SafeText.of(d.describe())));
        err.flush();
    }

    FirmwareRegistry registry() {
        return new FirmwareRegistry(dirs().firmware());
    }
}
