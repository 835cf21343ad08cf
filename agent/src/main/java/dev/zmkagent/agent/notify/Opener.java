package dev.zmkagent.agent.notify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Opens a file or folder in the user's default application, without blocking. */
public final class Opener {
    private Opener() {
    }

    public static List<String> command(Path p) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return List.of("open", p.toString());
        }
        if (os.startsWith("windows")) {
            return List.of("explorer.exe", p.toString());
        }
        return List.of("xdg-open", p.toString());
    }

    public static boolean open(Path p) {
        try {
            new ProcessBuilder(command(p)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
