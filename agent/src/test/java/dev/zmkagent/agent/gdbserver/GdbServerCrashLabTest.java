package dev.zmkagent.agent.gdbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.agent.analyze.AnalyzeRequest;
import dev.zmkagent.agent.analyze.DumpLoader;
import dev.zmkagent.agent.analyze.LoadedDump;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.gdb.GdbClient;
import dev.zmkagent.coredump.gdb.GdbThread;
import dev.zmkagent.device.boards.BoardCatalog;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real gdb against the server on every crash-lab scenario with a dump, compared with the lab's truth.txt (gdb on
 * the live QEMU core). The dump's registers are the interrupted context, so thread 1's backtrace is compared with
 * the lab's "context stacked on the PSP" backtrace (plus, for a fault in an interrupt handler, the handler frames of
 * the live backtrace down to the thread's "<signal handler called>"); every other thread with the lab's "saved
 * context of thread" backtrace. Frames compare by pc, function and file:line; argument values are left out because
 * r4–r11 are not in a dump without EXTRA_EXCEPTION_INFO and gdb honestly prints them as &lt;unavailable&gt;.
 */
class GdbServerCrashLabTest {
    private static final Pattern FRAME = Pattern.compile("^#\\d+\\s+(?:(0x[0-9a-f]+) in )?(\\S+)(?: \\(.*\\))?(?: at (\\S+:\\d+))?$");

    @BeforeEach
    void needGdb() {
        assumeTrue(GdbClient.available(), "gdb-multiarch not installed (./test installs it)");
    }

    /** Scenarios with a dump to serve (the erased partition has none; serving it is refused, tested elsewhere). */
    @SuppressWarnings("unchecked")
    static Stream<CrashLab.Scenario> scenarios() {
        return CrashLab.scenarios().stream().filter(CrashLab.Scenario::hasTruth)
                .filter(s -> !"erased".equals(((Map<String, Object>) s.meta().get("dump")).get("header"))
                        || Boolean.TRUE.equals(((Map<String, Object>) s.meta().get("dump")).get("data_present")));
    }

    /** "pc function file:line" or "<signal handler called>"; null for lines that are not frames. */
    static String frame(String line) {
        if (line.matches("^#\\d+\\s+<signal handler called>$")) {
            return "<signal handler called>";
        }
        Matcher m = FRAME.matcher(line);
        if (!m.matches()) {
            return null;
        }
        return (m.group(1) == null ? "" : m.group(1) + " ") + m.group(2) + (m.group(3) == null ? "" : " " + m.group(3));
    }

    static List<String> frames(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String f = frame(l);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** truth.txt split at its "# ..." comment lines: comment → the lines after it. */
    static Map<String, List<String>> sections(String truth) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : truth.split("\n")) {
            if (line.startsWith("# ")) {
                current = new ArrayList<>();
                out.put(line, current);
            } else if (current != null) {
                current.add(line);
            }
        }
        return out;
    }

    static String section(Map<String, List<String>> s, String prefix) {
        return s.keySet().stream().filter(k -> k.startsWith(prefix)).findFirst().orElse(null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyThreadsBacktraceAndRegistersMatchGdbOnTheLiveCore(CrashLab.Scenario s) throws Exception {
        Path elf = s.appElfPath();
        LoadedDump loaded = new DumpLoader(BoardCatalog.builtin()).load(new AnalyzeRequest(s.file("partition.bin"), Optional.of(elf), OptionalLong.empty()));
        ServedDump served = ServedDump.of(loaded);
        Map<String, List<String>> truth = sections(Files.readString(s.file("truth.txt")));
        List<GdbThread> threads = served.target().threads();
        Map<Long, List<String>> ours = GdbPerThread.run(served, elf, "bt", "info registers sp lr pc");

        // Thread 1: the faulting context. After a stack-limit overflow the core stacked nothing; thread 1 is the
        // overflowing function's caller, rebuilt from the stack, and gdb's truth is its bt from that caller's registers.
        // For k_oops/k_panic/__ASSERT the truth is the context at its svc (pc - 2): the stacked pc is the instruction
        // after it, and the server serves the svc's address as pc.
        boolean overflow = s.truth().get("stack_overflow") != null;
        String stacked = overflow ? section(truth, "# caller context of the overflowing frame in thread")
                : Optional.ofNullable(section(truth, "# the same context at its svc instruction"))
                        .orElse(section(truth, "# context stacked on the PSP of thread"));
        assertNotNull(stacked, "truth.txt of " + s.name() + " has no stacked context");
        List<String> expected = new ArrayList<>();
        List<String> live = frames(truth.get(section(truth, "# stopped at the first instruction of")));
        int first = live.indexOf("<signal handler called>");
        int last = live.lastIndexOf("<signal handler called>");
        boolean inHandler = last > first;
        if (inHandler) { // the fault was in a handler (maybe nested): its frames on the main stack, then the boundary into the thread
            expected.addAll(live.subList(first + 1, last + 1));
        }
        // m33-stack-limit-indirect: the callers cannot be rebuilt (a tail call through a pointer), so thread 1 is served
        // with the dump's registers as stored: pc = lr = 0 (lab.py checks that the dumped pc and lr are 0), one frame
        boolean refused = s.name().equals("m33-stack-limit-indirect");
        expected.addAll(refused ? List.of("0x00000000 ??") : frames(truth.get(stacked)));
        if (s.unprovableAllocaFrame().isPresent()) {
            // the dump lacks r7, the alloca function's frame pointer: gdb cannot unwind past that frame, and the server
            // must not give it a frame pointer the dump does not prove
            String fn = s.unprovableAllocaFrame().get();
            int at = 0;
            while (at < expected.size() && !(" " + expected.get(at) + " ").contains(" " + fn + " ")) {
                at++;
            }
            assertTrue(at < expected.size(), s.name() + ": " + fn + " not in the truth " + expected);
            expected = new ArrayList<>(expected.subList(0, at + 1));
        }
        List<String> got = frames(ours.get(1L));
        Optional<GdbZeroMistake> mistake = GdbZeroMistake.of(s);
        if (mistake.isPresent()) {      // gdb names a discarded function at pc 0, live and over our server alike
            expected = mistake.get().normalized(expected);
            got = mistake.get().normalized(got);
        }
        assertEquals(expected, got, s.name() + " thread 1\n" + String.join("\n", ours.get(1L)));
        if (!inHandler && !refused) {
            assertRegisters(stacked, ours.get(1L), s.name() + " thread 1");
        }

        // Every switched-out thread, by name.
        for (GdbThread t : threads.subList(1, threads.size())) {
            String saved = section(truth, "# saved context of thread '" + t.name() + "'");
            assertNotNull(saved, s.name() + ": no truth for thread " + t.name());
            assertEquals(frames(truth.get(saved)), frames(ours.get(t.id())), s.name() + " thread " + t.name());
            assertRegisters(saved, ours.get(t.id()), s.name() + " thread " + t.name());
        }
        long savedInTruth = truth.keySet().stream().filter(k -> k.startsWith("# saved context of thread")).count();
        // A MIN dump holds only the faulting thread's struct and stack: the others cannot be listed from it.
        if (savedInTruth > 0 && !"MIN".equals(s.meta().get("dump_mode"))) {
            assertEquals(savedInTruth + 1, threads.size(), s.name() + ": every kernel thread listed");
        }
    }

    @org.junit.jupiter.api.Test
    @SuppressWarnings("unchecked")
    void currentUf2WithoutElfOnTheServerServesFlashFromTheUf2AndStopsExactlyWhereTheTruncatedDumpEnds() throws Exception {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault");
        LoadedDump loaded = new DumpLoader(BoardCatalog.builtin()).load(new AnalyzeRequest(s.file("CURRENT.UF2"), Optional.empty(), OptionalLong.empty()));
        ServedDump served = ServedDump.of(loaded);
        // LINKER_RAM dump cut by the 64 KiB partition: RAM ends where the last block's bytes end (from the fixture).
        Map<String, Object> dump = (Map<String, Object>) s.meta().get("dump");
        List<Map<String, Object>> blocks = (List<Map<String, Object>>) dump.get("blocks");
        Map<String, Object> regs = (Map<String, Object>) blocks.get(0).get("registers");
        Map<String, Object> ram = blocks.get(blocks.size() - 1);
        long sp = CrashLab.hex(regs.get("sp"));
        long pc = CrashLab.hex(regs.get("pc"));
        long cut = CrashLab.hex(ram.get("start")) + ((Number) ram.get("bytes_present")).longValue();
        long pastCut = (cut + 0x1000) & ~0xFFFL;
        String out;
        try (ServerSocket socket = serve(served)) {
            out = GdbClient.run(s.appElfPath(), "remote 127.0.0.1:" + socket.getLocalPort(),
                    "info program", "x/16xw $sp", "x/2xw $pc", String.format("x/4xw 0x%x", cut - 8), String.format("x/2xw 0x%x", pastCut));
        }
        assertTrue(out.contains("It stopped with signal SIGBUS"), out); // K_ERR_ARM_BUS_PRECISE_DATA_BUS
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            words.append(String.format("0x%08x ", loaded.memory().u32(sp + 4L * i).orElseThrow()));
        }
        StringBuilder shown = new StringBuilder();
        Matcher m = Pattern.compile("(?m)^(0x[0-9a-f]{8}) <[^>]*>:(.*)$").matcher(out);
        while (m.find()) {
            long at = Long.parseLong(m.group(1).substring(2), 16);
            if (at < sp || at >= sp + 64) {
                continue;
            }
            Matcher w = Pattern.compile("0x[0-9a-f]{8}").matcher(m.group(2));
            while (w.find()) {
                shown.append(w.group()).append(' ');
            }
        }
        assertEquals(words.toString(), shown.toString(), out);
        assertTrue(out.matches(String.format("(?s).*\\n0x%x <[^>]+>:\\s+0x[0-9a-f]{8}\\s+0x[0-9a-f]{8}\\n.*", pc)), out); // code from the UF2's flash
        assertTrue(out.matches(String.format("(?s).*\\n0x%x[^:]*:\\s+0x[0-9a-f]{8}\\s+0x[0-9a-f]{8}\\s+Cannot access memory at address 0x%x\\n.*", cut - 8, cut)), out);
        assertTrue(out.contains(String.format("Cannot access memory at address 0x%x", pastCut)), out);
    }

    /** The comment's "sp=H lr=H pc=H" against gdb's "info registers sp lr pc". */
    private static void assertRegisters(String comment, List<String> gdb, String what) {
        Matcher want = Pattern.compile("sp=(0x[0-9a-f]+) lr=(0x[0-9a-f]+) pc=(0x[0-9a-f]+)").matcher(comment);
        assertTrue(want.find(), comment);
        Map<String, Long> got = new LinkedHashMap<>();
        for (String l : gdb) {
            Matcher m = Pattern.compile("^(sp|lr|pc)\\s+0x([0-9a-f]+)").matcher(l);
            if (m.find()) {
                got.put(m.group(1), Long.parseLong(m.group(2), 16));
            }
        }
        assertEquals(Long.decode(want.group(1)), got.get("sp"), what + " sp");
        assertEquals(Long.decode(want.group(2)), got.get("lr"), what + " lr");
        assertEquals(Long.decode(want.group(3)), got.get("pc"), what + " pc");
    }

    static ServerSocket serve(ServedDump served) throws Exception {
        ServerSocket socket = GdbServer.bind(ListenAddress.loopback(0));
        Thread t = new Thread(() -> {
            try {
                new GdbServer(served.target(), m -> { }, null).serveTcp(socket);
            } catch (Exception e) {
                // the test closed the socket
            }
        }, "gdbserver");
        t.setDaemon(true);
        t.start();
        return socket;
    }
}
