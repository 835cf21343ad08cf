package dev.zmkagent.cli;

import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.DataDirs;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The shared --data-dir option of the commands that use the capture store and the firmware registry. */
final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where captures and registered firmware live (default: $XDG_DATA_HOME/zmk-agent, ~/.local/share/zmk-agent;"
                    + " macOS ~/Library/Application Support/zmk-agent; Windows %%LOCALAPPDATA%%\\zmk-agent).")
    Path dataDir;

    DataDirs dirs() {
        return dataDir == null ? DataDirs.forUser() : new DataDirs(dataDir);
    }

    CaptureStore store() {
        return new CaptureStore(dirs().captures());
    }

    FirmwareRegistry registry() {
        return new FirmwareRegistry(dirs().firmware());
    }
}
