package dev.zmkagent.agent.gdbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.agent.analyze.AnalyzeRequest;
import dev.zmkagent.agent.analyze.DumpLoader;
import dev.zmkagent.coredump.gdb.GdbClient;
import dev.zmkagent.coredump.gdb.QemuFixture;
import dev.zmkagent.device.boards.BoardCatalog;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GdbServerRealGdbTest {
    @TempDir
    Path dir;

    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

    private ServerSocket start(byte[] stream, boolean withElf) throws Exception {
        Path input = QemuFixture.write(dir, "dump.bin", stream);
        Path elf = QemuFixture.elf(dir);
        ServedDump served = ServedDump.of(new DumpLoader(BoardCatalog.builtin())
                .load(new AnalyzeRequest(input, withElf ? Optional.of(elf) : Optional.empty(), OptionalLong.empty())));
        ServerSocket socket = GdbServer.bind(ListenAddress.loopback(0));
        Thread t = new Thread(() -> {
            try {
                new GdbServer(served.target(), messages::add, false).serveTcp(socket);
            } catch (Exception e) {
                messages.add("server failed: " + e);
            }
        }, "gdbserver");
        t.setDaemon(true);
        t.start();
        return socket;
    }

    @Test
    void probe() throws Exception {
        assumeTrue(GdbClient.available(), "gdb-multiarch not installed");
        try (ServerSocket s = start(QemuFixture.stream(QemuFixture.SpStyle.PRE_EXCEPTION, true, QemuFixture.RAM), true)) {
            String out = GdbClient.run(dir.resolve("fw.elf"), "remote 127.0.0.1:" + s.getLocalPort(),
                    "bt", "info registers", "info threads", "x/16xw $sp", "print g_state", "print/x g_table", "print g_state.name", "info registers msp psp");
            System.out.println(out);
            System.out.println(messages);
        }
    }
}
