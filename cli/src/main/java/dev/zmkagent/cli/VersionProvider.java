package dev.zmkagent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Reads the version Maven stamped into the jar, so --version always matches the build. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/zmk-agent-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"zmk-agent " + p.getProperty("version", "unknown")};
    }
}
