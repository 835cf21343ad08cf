package dev.zmkagent.coredump.dwarf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs gdb-multiarch with gdb-truth.py, when it is installed. */
final class GdbLive {
    private GdbLive() {
    }

    /** gdb's truth lines for {@code elf}: every halfword of its code, or only {@code pcs} when given. */
    static List<String> truth(Path elf, long[] pcs) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("gdb-multiarch", "-nx", "-batch", "-ex", "set pagination off", "-ex",
                "source " + GdbTruth.DIR.resolve("gdb-truth.py"), elf.toString());
        Path list = null;
        if (pcs != null) {
            list = Files.createTempFile("pcs", ".txt");
            StringBuilder sb = new StringBuilder();
            for (long pc : pcs) {
                sb.append(Long.toHexString(pc)).append('\n');
            }
            Files.writeString(list, sb);
            pb.environment().put("TRUTH_PCS", list.toString());
        }
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("gdb-multiarch failed on " + elf);
            }
            List<String> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (l.startsWith("0x")) {
                    lines.add(l);
                }
            }
            return lines;
        } finally {
            if (list != null) {
                Files.deleteIfExists(list);
            }
        }
    }
}
