package dev.zmkagent.agent.gdbserver;

import dev.zmkagent.coredump.gdb.GdbClient;
import dev.zmkagent.coredump.gdb.GdbThread;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a real gdb against our server on a dump and returns what it printed for each thread, keyed by gdb's thread id.
 * Each thread's block is bracketed by echo markers so one gdb session gives every thread's output apart.
 */
final class GdbPerThread {
    private GdbPerThread() {
    }

    /** For every thread the server lists: {@code thread N}, then the given commands (e.g. {@code bt}). */
    static Map<Long, List<String>> run(ServedDump served, Path elf, String... perThread) throws Exception {
        List<String> cmds = new ArrayList<>(List.of("set backtrace past-main on")); // as the lab's gdb_truth.py
        for (GdbThread t : served.target().threads()) {
            cmds.add("thread " + t.id());
            cmds.add("echo @@" + t.id() + "\\n");
            cmds.addAll(List.of(perThread));
            cmds.add("echo @@end\\n");
        }
        String out;
        try (ServerSocket socket = GdbServerCrashLabTest.serve(served)) {
            out = GdbClient.run(elf, "remote 127.0.0.1:" + socket.getLocalPort(), cmds.toArray(new String[0]));
        }
        Map<Long, List<String>> byThread = new LinkedHashMap<>();
        List<String> cur = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("@@end")) {
                cur = null;
            } else if (line.startsWith("@@")) {
                cur = new ArrayList<>();
                byThread.put(Long.parseLong(line.substring(2).trim()), cur);
            } else if (cur != null) {
                cur.add(line);
            }
        }
        return byThread;
    }
}
