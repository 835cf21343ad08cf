package dev.zmkagent.coredump.gdb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.unwind.RegisterSet;
import java.util.List;

/**
 * Whatever a client sends to the gdbserver: the byte stream is cut into chunks at the positions the fuzzer's first
 * bytes say (so packets split anywhere) and fed to one session. The session must answer every chunk without an
 * exception and never buffer more than its packet size.
 */
class RspFuzzTest {
    private static GdbTarget target() {
        byte[] ram = new byte[0x400];
        for (int i = 0; i < ram.length; i++) {
            ram[i] = (byte) (i * 7);
        }
        RegionMemory memory = new RegionMemory().add("dump", 0x2000_0000L, ram).add("ELF .text", 0x1000, new byte[64]);
        RegisterSet crashed = RegisterSet.empty().with(0, 0x11223344L).with(RegisterSet.SP, 0x20000080L)
                .with(RegisterSet.PC, 0x1004).with(RegisterSet.XPSR, 0x0100_0000L).with(RegisterSet.PSP, 0x20000080L);
        RegisterSet other = RegisterSet.empty().with(RegisterSet.PC, 0x1008);
        List<GdbThread> threads = List.of(new GdbThread(1, "main", "faulted here", crashed), new GdbThread(2, "idle", "ready", other));
        return new DumpTarget(() -> threads, memory, StopSignal.SIGSEGV, true);
    }

    private static final GdbTarget TARGET = target();

    @FuzzTest
    void packets(byte[] data) {
        RspSession session = new RspSession(TARGET);
        int chunk = data.length == 0 ? 1 : 1 + (data[0] & 0x3F);
        for (int off = 0; off < data.length && !session.ended(); off += chunk) {
            session.receive(data, off, Math.min(chunk, data.length - off));
        }
    }
}
