package dev.zmkagent.coredump.gdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real gdb-multiarch in batch mode against a remote target, for tests that use gdb as the reference. */
public final class GdbClient {
    public static final String GDB = "gdb-multiarch";

    private GdbClient() {
    }

    public static boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, GDB))) {
                return true;
            }
        }
        return false;
    }

    /**
     * gdb -batch on {@code elf} (may be null), connecting with {@code target} (e.g. "remote 127.0.0.1:1234" or
     * "remote | cmd ..."), then running {@code commands}; returns stdout and stderr together, in order.
     */
    public static String run(Path elf, String target, String... commands) throws IOException, InterruptedException {
        // osabi none: Debian's gdb-multiarch takes a bare-metal ELF for GNU/Linux, whose ARM lowest_pc (0x8000) makes
        // it stop at the first frame without CFI below 0x8000 (a build linked at flash address 0; crashlab/README.md)
        List<String> cmd = new ArrayList<>(List.of(GDB, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set width 0",
                "-ex", "set confirm off", "-ex", "set osabi none", "-ex", "target " + target));
        for (String c : commands) {
            cmd.add("-ex");
            cmd.add(c);
        }
        if (elf != null) {
            cmd.add(elf.toString());
        }
        Path log = Files.createTempFile("gdb", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("gdb did not finish within 60 s: " + Files.readString(log));
            }
            return Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
