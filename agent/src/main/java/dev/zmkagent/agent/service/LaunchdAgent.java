package dev.zmkagent.agent.service;

import java.nio.file.Path;
import java.util.List;

/** A launchd agent, {@code ~/Library/LaunchAgents/dev.zmkagent.watch.plist}: started at login in the user's GUI session. */
public final class LaunchdAgent extends LoginService {
    public static final String LABEL = "dev.zmkagent.watch";
    private final Path home;

    public LaunchdAgent(Path home, CommandRunner runner) {
        super(runner);
        this.home = home;
    }

    @Override
    public String kind() {
        return "launchd agent";
    }

    @Override
    public Path file() {
        return home.resolve("Library").resolve("LaunchAgents").resolve(LABEL + ".plist");
    }

    @Override
    public String definition(List<String> command) {
        StringBuilder args = new StringBuilder();
        for (String c : command) {
            args.append("    <string>").append(xml(c)).append("</string>\n");
        }
        String log = xml(home.resolve("Library").resolve("Logs").resolve("zmk-agent.log").toString());
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                + "<!-- Written by zmk-agent watch (its install-service option). -->\n"
                + "<plist version=\"1.0\">\n<dict>\n"
                + "  <key>Label</key>\n  <string>" + LABEL + "</string>\n"
                + "  <key>ProgramArguments</key>\n  <array>\n" + args + "  </array>\n"
                + "  <key>LimitLoadToSessionType</key>\n  <string>Aqua</string>\n"
                + "  <key>RunAtLoad</key>\n  <true/>\n"
                + "  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n"
                + "  <key>ProcessType</key>\n  <string>Background</string>\n"
                + "  <key>StandardErrorPath</key>\n  <string>" + log + "</string>\n"
                + "</dict>\n</plist>\n";
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    protected List<List<String>> registration() {
        return List.of(List.of("launchctl", "load", "-w", file().toString()));
    }

    /** Unloads first, so a re-install replaces a loaded agent (that fails harmlessly when none is loaded yet). */
    @Override
    public List<String> install(List<String> command) throws java.io.IOException {
        runner.run(List.of("launchctl", "unload", file().toString()));
        return super.install(command);
    }

    @Override
    protected String whenDone() {
        return "zmk-agent watch now runs at every login; logs: " + home.resolve("Library/Logs/zmk-agent.log");
    }
}
