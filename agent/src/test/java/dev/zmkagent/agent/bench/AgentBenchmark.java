package dev.zmkagent.agent.bench;

import dev.zmkagent.agent.capture.BootloaderDrive;
import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.notify.Notifier;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.device.files.PrivateFiles;
import dev.zmkagent.agent.testkit.Keyboard;
import dev.zmkagent.agent.watch.Journal;
import dev.zmkagent.agent.watch.MediaRoots;
import dev.zmkagent.agent.watch.WatchLoop;
import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures for issue 7, printed, not asserted (run: see agent/README.md):
 * <ol>
 * <li>bytes of CURRENT.UF2 read before the first report, as a share of the file (target: at most 1/10 for a 64 KiB
 * partition), for both bootloader windows and three dump sizes;</li>
 * <li>the idle watch loop's CPU (share of one core) and resident memory over a minute, in a child JVM, next to a
 * baseline child JVM that only sleeps with the same flags, both read from /proc/PID/stat and /proc/PID/status
 * (targets: under 0.5% of a core, under 100 MB).</li>
 * </ol>
 */
public final class AgentBenchmark {
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss4m");

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child-watch")) {
            childWatch(Path.of(args[1]));
            return;
        }
        if (args.length > 0 && args[0].equals("--child-baseline")) {
            Thread.sleep(Long.MAX_VALUE);
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        bytesBeforeReport();
        idleWatch(seconds);
    }

    static void bytesBeforeReport() throws IOException {
        System.out.println("== Bytes of CURRENT.UF2 read before the first report");
        System.out.printf("%-30s %-28s %10s %10s %8s%n", "bootloader window", "dump", "read", "file", "share");
        Path tmp = Files.createTempDirectory("zmk-bench-");
        try {
            for (long windowEnd : new long[] {0xEA000, 0xAD000}) {
                int[] sizes = {-1, 4 * 1024, 0x10000 - 32};
                for (int size : sizes) {
                    Keyboard kb = new Keyboard().flashFirmware(1);
                    kb.windowEnd = windowEnd;
                    String what;
                    if (size < 0) {
                        what = "none (erased)";
                    } else {
                        byte[] stream = DumpBuilder.stream(2, 0).archV2(0, 1, 2, 3, 12, 0x26311, 0x26254, 0x01000000, 0x2000ff00L)
                                .memory(0x20000000L, DumpBuilder.filled(Math.max(0, size - 100), 0x33)).build();
                        byte[] p = DumpBuilder.partition(stream, Math.min(stream.length, 0x10000 - 16), -1, 0, 0x10000);
                        System.arraycopy(p, 0, kb.flash, (int) Keyboard.PARTITION, p.length);
                        what = size >= 0x10000 - 32 ? "fills the 64 KiB partition" : (size / 1024) + " KiB stream";
                    }
                    Path store = tmp.resolve("s" + windowEnd + "-" + size);
                    Capturer c = new Capturer(BoardCatalog.builtin(), new CaptureStore(store.resolve("captures")), new FirmwareRegistry(store.resolve("fw")), false);
                    BootloaderDrive d = BootloaderDrive.probe(kb.writeDrive(store.resolve("NICENANO"))).orElseThrow();
                    CaptureOutcome o = c.capture(d, CaptureListener.NONE);
                    System.out.printf("%-30s %-28s %10d %10d %7.2f%%%n", windowEnd == 0xEA000 ? "0.6.1+ (0x1000-0xEA000)" : "0.4.0-0.6.0 (0x1000-0xAD000)",
                            what, o.bytesBeforeReport(), o.currentUf2Size(), o.bytesBeforeReport() * 100.0 / o.currentUf2Size());
                }
            }
        } finally {
            PrivateFiles.deleteTree(tmp);
        }
        System.out.println();
    }

    static void childWatch(Path tmp) throws IOException {
        List<Path> roots = new ArrayList<>(MediaRoots.defaults());
        roots.add(Files.createDirectories(tmp.resolve("media")));
        new WatchLoop(WatchLoop.Config.defaults(roots),
                new Capturer(BoardCatalog.builtin(), new CaptureStore(tmp.resolve("captures")), new FirmwareRegistry(tmp.resolve("fw")), true),
                Notifier.NONE, new Journal(System.err, false, false), new WatchLoop.Events() {
                }, CaptureListener.NONE).run();
    }

    static void idleWatch(int seconds) throws Exception {
        System.out.println("== Idle watch loop over " + seconds + " s (child JVMs, flags " + JVM_FLAGS + ")");
        if (!Files.isReadable(Path.of("/proc/self/stat"))) {
            System.out.println("no /proc: skipped");
            return;
        }
        Path tmp = Files.createTempDirectory("zmk-bench-watch-");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> watchCmd = new ArrayList<>(List.of(java));
        watchCmd.addAll(JVM_FLAGS);
        watchCmd.addAll(List.of("-cp", cp, AgentBenchmark.class.getName(), "--child-watch", tmp.toString()));
        List<String> baseCmd = new ArrayList<>(List.of(java));
        baseCmd.addAll(JVM_FLAGS);
        baseCmd.addAll(List.of("-cp", cp, AgentBenchmark.class.getName(), "--child-baseline"));
        Process watch = new ProcessBuilder(watchCmd).redirectErrorStream(true).redirectOutput(tmp.resolve("watch.log").toFile()).start();
        Process base = new ProcessBuilder(baseCmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(5000); // start-up (class loading, JIT) is not idle time
            long[] w0 = ticks(watch.pid());
            long[] b0 = ticks(base.pid());
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long[] w1 = ticks(watch.pid());
            long[] b1 = ticks(base.pid());
            double hz = clockTicks();
            double wCpu = (w1[0] - w0[0]) / hz / elapsed * 100;
            double bCpu = (b1[0] - b0[0]) / hz / elapsed * 100;
            long wRss = rssKb(watch.pid());
            long bRss = rssKb(base.pid());
            System.out.printf("%-22s %12s %14s%n", "", "CPU (1 core)", "resident");
            System.out.printf("%-22s %11.3f%% %11d MB%n", "watch (idle)", wCpu, wRss / 1024);
            System.out.printf("%-22s %11.3f%% %11d MB%n", "baseline (sleep)", bCpu, bRss / 1024);
            System.out.printf("%-22s %11.3f%% %11d MB%n", "watch - baseline", wCpu - bCpu, (wRss - bRss) / 1024);
            System.out.printf("ratio watch/baseline: CPU %.2f, memory %.2f%n", bCpu == 0 ? Double.NaN : wCpu / bCpu, (double) wRss / bRss);
            System.out.println("watch log: " + Files.readString(tmp.resolve("watch.log")).trim().replace('\n', '|'));
        } finally {
            watch.destroy();
            base.destroy();
            watch.waitFor();
            base.waitFor();
            PrivateFiles.deleteTree(tmp);
        }
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    static long[] ticks(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])};
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Double.parseDouble(new String(p.getInputStream().readAllBytes()).trim());
        } catch (IOException | NumberFormatException e) {
            return 100;
        }
    }
}
