package dev.zmkagent.agent.gdbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.agent.analyze.AnalyzeRequest;
import dev.zmkagent.agent.analyze.DumpLoader;
import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.coredump.gdb.GdbClient;
import dev.zmkagent.coredump.gdb.QemuFixture;
import dev.zmkagent.coredump.gdb.QemuFixture.SpStyle;
import dev.zmkagent.device.boards.BoardCatalog;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real gdb-multiarch against the TCP server, on a crash captured in QEMU (see {@link QemuFixture}). gdb's live view
 * at the faulting store is the ground truth: the dump's registers are that interrupted context (the stacked frame),
 * so our frame #0 is QEMU's frame at the store, not the HardFault handler gdb would show on the live core after it.
 */
class GdbServerRealGdbTest {
    private static final String LIVE = QemuFixture.text("live.txt");

    @TempDir
    Path dir;

    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    private Path elf;

    @BeforeEach
    void needGdb() {
        assumeTrue(GdbClient.available(), "gdb-multiarch not installed (./test installs it)");
        elf = QemuFixture.elf(dir);
    }

    private ServerSocket start(byte[] input, boolean serverHasElf) throws Exception {
        Path path = QemuFixture.write(dir, "dump.bin", input);
        ServedDump served = ServedDump.of(new DumpLoader(BoardCatalog.builtin())
                .load(new AnalyzeRequest(path, serverHasElf ? Optional.of(elf) : Optional.empty(), OptionalLong.empty())));
        ServerSocket socket = GdbServer.bind(ListenAddress.loopback(0));
        Thread t = new Thread(() -> {
            try {
                new GdbServer(served.target(), messages::add, null).serveTcp(socket);
            } catch (Exception e) {
                messages.add("server failed: " + e);
            }
        }, "gdbserver");
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private String gdb(ServerSocket s, String... commands) throws Exception {
        return GdbClient.run(elf, "remote 127.0.0.1:" + s.getLocalPort(), commands);
    }

    private static List<String> lines(String text, String regex) {
        return text.lines().filter(l -> l.matches(regex)).collect(Collectors.toList());
    }

    private static Map<String, String> registers(String text) {
        Map<String, String> regs = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(r\\d+|sp|lr|pc|xpsr|msp|psp)\\s+(0x[0-9a-f]+|<unavailable>)").matcher(text);
        while (m.find()) {
            regs.put(m.group(1), m.group(2));
        }
        return regs;
    }

    @Test
    void backtraceRegistersStackAndGlobalsMatchGdbOnTheLiveCore() throws Exception {
        try (ServerSocket s = start(QemuFixture.stream(SpStyle.PRE_EXCEPTION, true, QemuFixture.RAM), true)) {
            String out = gdb(s, "bt", "info registers", "x/16xw $sp", "print g_state", "print/x g_table", "print g_state.name");

            List<String> frames = lines(LIVE, "#\\d+ .*");
            assertEquals(4, frames.size(), LIVE);
            assertEquals(frames, lines(out, "#\\d+ .*"), out);

            Map<String, String> truth = registers(LIVE);
            Map<String, String> ours = registers(out);
            for (Map.Entry<String, String> r : truth.entrySet()) {
                assertEquals(r.getValue(), ours.get(r.getKey()), "register " + r.getKey() + "\n" + out);
            }
            // A fault in thread mode: msp/psp are not described (gdb needs them only to cross into a thread from a handler).
            assertFalse(ours.containsKey("msp") || ours.containsKey("psp"), out);

            assertEquals(lines(LIVE, "0x2000[0-9a-f]{4}:\\s.*"), lines(out, "0x2000[0-9a-f]{4}:\\s.*"), out);
            assertEquals(lines(LIVE, "\\$\\d+ = .*"), lines(out, "\\$\\d+ = .*"), out);
        }
    }

    @Test
    void aSecondGdbIsServedWhileTheFirstIsStillConnected() throws Exception {
        try (ServerSocket s = start(QemuFixture.stream(SpStyle.PRE_EXCEPTION, true, QemuFixture.RAM), true);
             java.net.Socket first = new java.net.Socket("127.0.0.1", s.getLocalPort())) {
            first.setSoTimeout(20_000);
            java.io.OutputStream firstOut = first.getOutputStream();
            java.io.InputStream firstIn = first.getInputStream();
            firstOut.write(dev.zmkagent.coredump.gdb.Rsp.frame("?"));
            firstOut.flush();
            String firstReply = readPacket(firstIn);
            assertTrue(firstReply.startsWith("T") || firstReply.startsWith("S"), firstReply);

            // The first session is open and idle: a second gdb gets the whole backtrace, without waiting for it.
            String out = gdb(s, "bt");
            assertEquals(lines(LIVE, "#\\d+ .*"), lines(out, "#\\d+ .*"), out);

            // And the first one is still served afterwards.
            firstOut.write(dev.zmkagent.coredump.gdb.Rsp.frame("g"));
            firstOut.flush();
            assertTrue(readPacket(firstIn).matches("[0-9a-fx]+"), "registers for the first client");
            assertTrue(messages.stream().anyMatch(m -> m.contains("(2 sessions open)")), messages.toString());
        }
    }

    /** The payload of the next packet on the stream (acks skipped). */
    private static String readPacket(java.io.InputStream in) throws java.io.IOException {
        int c;
        while ((c = in.read()) != '$') {
            if (c < 0) {
                throw new java.io.EOFException("the server closed the connection");
            }
        }
        StringBuilder b = new StringBuilder();
        while ((c = in.read()) != '#') {
            if (c < 0) {
                throw new java.io.EOFException("the server closed the connection mid-packet");
            }
            b.append((char) c);
        }
        in.read();
        in.read();
        return b.toString();
    }

    @Test
    void zephyr35FrameAddressSpGivesTheSameView() throws Exception {
        try (ServerSocket s = start(QemuFixture.stream(SpStyle.FRAME_ADDRESS, true, QemuFixture.RAM), true)) {
            String out = gdb(s, "bt", "info registers sp");
            assertEquals(lines(LIVE, "#\\d+ .*"), lines(out, "#\\d+ .*"), out);
            assertEquals(registers(LIVE).get("sp"), registers(out).get("sp"), out);
        }
    }

    @Test
    void calleeSavedRegistersTheDumpLacksAreUnavailableNotZero() throws Exception {
        try (ServerSocket s = start(QemuFixture.stream(SpStyle.PRE_EXCEPTION, false, QemuFixture.RAM), true)) {
            String out = gdb(s, "info registers", "bt 1");
            Map<String, String> ours = registers(out);
            for (int r = 4; r <= 11; r++) {
                assertEquals("<unavailable>", ours.get("r" + r), out);
            }
            assertEquals(registers(LIVE).get("pc"), ours.get("pc"), out);
            assertTrue(out.contains("#0  0x00000050 in level3"), out);
        }
    }

    @Test
    void memoryTheDumpLacksIsCannotAccessMemoryExactlyThere() throws Exception {
        // The block starts at 0x20002000: .data/.bss (g_state at 0x20000000) are not in it; the stack is.
        try (ServerSocket s = start(QemuFixture.stream(SpStyle.PRE_EXCEPTION, true, 0x2000_2000L), true)) {
            String out = gdb(s, "print g_state", "x/16xw $sp", "print/x g_table", "x/4xw 0x20001ff8", "x/4xw 0x20003ff8");
            assertTrue(out.contains("Cannot access memory at address 0x20000000"), out);
            assertEquals(lines(LIVE, "0x2000[0-9a-f]{4}:\\s.*"), lines(out, "0x20003[0-9a-f]{3}:\\s.*").subList(0, 4), out);
            assertTrue(out.contains("{0x11111111, 0x22222222, 0x33333333, 0x44444444}"), out); // from the ELF
            assertTrue(out.contains("Cannot access memory at address 0x20001ff8"), out);
            // A read running off the end of the dump: gdb shows the words that exist, then fails at the first missing one.
            assertTrue(out.matches("(?s).*0x20003ff8:\\s+0x[0-9a-f]{8}\\s+0x[0-9a-f]{8}\\s+Cannot access memory at address 0x20004000.*"), out);
        }
    }

    @Test
    void withoutTheElfOnTheServerOnlyDumpedMemoryIsReadable() throws Exception {
        try (ServerSocket s = start(QemuFixture.stream(SpStyle.PRE_EXCEPTION, true, QemuFixture.RAM), false)) {
            String out = gdb(s, "print g_state.active_layer", "print/x g_table");
            assertTrue(out.contains("$1 = 3"), out);
            assertTrue(out.contains("Cannot access memory at address 0x"), out);
        }
    }

    @Test
    void threadListStopSignalAndRefusedResume() throws Exception {
        try (ServerSocket s = start(QemuFixture.stream(SpStyle.PRE_EXCEPTION, true, QemuFixture.RAM), true)) {
            String out = gdb(s, "info threads", "thread 1", "info program", "continue", "stepi", "set var g_counter = 1", "bt 1");
            assertTrue(out.matches("(?s).*\\* 1\\s+Thread 1 \\(crashed: faulted here, thread mode\\) 0x00000050 in level3.*"), out);
            assertTrue(out.contains("It stopped with signal SIGSEGV"), out);
            assertTrue(out.contains("this target is a coredump; it cannot run or step"), out);
            assertFalse(out.contains("Remote connection closed"), out);
            assertTrue(out.contains("#0  0x00000050 in level3"), out); // still there after the refused resume
        }
    }

    @Test
    void acceptsTheNextClientAfterOneDisconnects() throws Exception {
        try (ServerSocket s = start(DumpBuilder.partition(QemuFixture.stream(SpStyle.PRE_EXCEPTION, true, QemuFixture.RAM)), true)) {
            for (int i = 0; i < 3; i++) {
                String out = gdb(s, "bt 1");
                assertTrue(out.contains("#0  0x00000050 in level3"), out);
            }
            assertEquals(3, messages.stream().filter(m -> m.startsWith("gdb connected")).count(), messages.toString());
        }
    }
}
