package dev.zmkagent.agent.service;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Picks the platform's login service and says which command it should run. */
public final class LoginServices {
    /** Set by the launchers (the package's bin/zmk-agent, the checkout's ./zmk-agent) to their own path. */
    public static final String LAUNCHER_PROPERTY = "zmkagent.launcher";

    private LoginServices() {
    }

    /** The login service for {@code osName} with these environment variables and home folder. */
    public static LoginService forPlatform(String osName, Map<String, String> env, Path home, CommandRunner runner) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return new LaunchdAgent(home, runner);
        }
        if (os.startsWith("windows")) {
            String lad = env.get("LOCALAPPDATA");
            Path local = lad != null && !lad.isBlank() ? Path.of(lad) : home.resolve("AppData").resolve("Local");
            String domain = env.get("USERDOMAIN");
            String user = env.getOrDefault("USERNAME", System.getProperty("user.name"));
            return new WindowsLogonTask(local, domain != null && !domain.isBlank() ? domain + "\\" + user : user, runner);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return new SystemdUserService(config, runner);
    }

    public static LoginService forThisMachine() {
        return forPlatform(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")), CommandRunner.SYSTEM);
    }

    /**
     * {@code watch} plus {@code args} through the launcher that started us (the installed /usr/bin/zmk-agent, or a
     * checkout's ./zmk-agent, which rebuilds itself), so no build folder is baked into the service; without a
     * launcher (java -jar), this very Java and class path.
     */
    public static List<String> watchCommand(Optional<String> launcher, List<String> args) {
        List<String> cmd = new ArrayList<>();
        if (launcher.isPresent() && !launcher.get().isBlank()) {
            cmd.add(Path.of(launcher.get()).toAbsolutePath().normalize().toString());
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-XX:+UseSerialGC");
            cmd.add("-XX:TieredStopAtLevel=1");
            cmd.add("-cp");
            List<String> cp = new ArrayList<>();
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                cp.add(Path.of(e).toAbsolutePath().toString());
            }
            cmd.add(String.join(File.pathSeparator, cp));
            cmd.add("dev.zmkagent.cli.Main");
        }
        cmd.add("watch");
        cmd.addAll(args);
        return cmd;
    }

    public static List<String> watchCommand(List<String> args) {
        return watchCommand(Optional.ofNullable(System.getProperty(LAUNCHER_PROPERTY)), args);
    }
}
