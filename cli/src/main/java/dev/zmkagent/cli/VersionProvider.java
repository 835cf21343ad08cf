package dev.zmkagent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Reads the version Maven stamped into the jar (the project version and {@code git describe} of the build), so
 * --version always matches the build, and names the Java runtime it runs on: the bundled one of an installed
 * package, or the system's Java when run from source.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/zmk-agent-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {
            "zmk-agent " + p.getProperty("version", "unknown") + " (git " + p.getProperty("git", "unknown") + ")",
            "runtime: Java " + System.getProperty("java.runtime.version") + ", " + System.getProperty("java.vm.name")
                    + " (" + System.getProperty("java.vm.vendor") + ") in " + System.getProperty("java.home")};
    }
}
