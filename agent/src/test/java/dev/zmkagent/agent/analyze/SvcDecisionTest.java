package dev.zmkagent.agent.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The svc decision ({@link CrashContext.Crashed#pcIsSvc}): frame 0 moved off the stacked pc. A stacked pc with the
 * Thumb bit set (a damaged or hostile dump; the core stacks it clear) is the same instruction, not an svc.
 */
class SvcDecisionTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();

    @Test
    void aStackedPcWithItsThumbBitSetIsNoSvc(@TempDir Path dir) throws Exception {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-busfault");
        CrashReport plain = analyze(dir.resolve("plain.ze"), stream(s, false), s);
        CrashReport odd = analyze(dir.resolve("odd.ze"), stream(s, true), s);
        assertFalse(plain.diagnosis().stream().anyMatch(d -> d.contains("raised by the svc")), plain.diagnosis().toString());
        assertFalse(odd.diagnosis().stream().anyMatch(d -> d.contains("raised by the svc")), odd.diagnosis().toString());
        assertEquals(plain.frames().get(0).pc(), odd.frames().get(0).pc(), "frame 0 is the same instruction");
    }

    @Test
    void aRealSvcIsStillOne() throws Exception {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-oops");
        CrashReport r = new Analyzer(CATALOG).analyze(new DumpLoader(CATALOG).load(
                new AnalyzeRequest(s.file("partition.bin"), Optional.of(s.appElfPath()), OptionalLong.empty())));
        assertTrue(r.diagnosis().stream().anyMatch(d -> d.contains("raised by the svc")), r.diagnosis().toString());
    }

    private static CrashReport analyze(Path file, byte[] stream, CrashLab.Scenario s) throws Exception {
        Files.write(file, stream);
        LoadedDump loaded = new DumpLoader(CATALOG).load(new AnalyzeRequest(file, Optional.of(s.appElfPath()), OptionalLong.empty()));
        return new Analyzer(CATALOG).analyze(loaded);
    }

    /** The partition's bare 'ZE' stream, its stacked pc's bit 0 set if asked. */
    private static byte[] stream(CrashLab.Scenario s, boolean thumbBit) throws Exception {
        ByteView p = ByteView.of(Files.readAllBytes(s.file("partition.bin")));
        int size = (int) FlashHeader.judge(p, p.length()).header().orElseThrow().size();
        byte[] ze = p.slice(FlashHeader.STREAM_OFFSET, size).toArray();
        int at = 12; // after the 'ZE' header comes the arch block: 'A', version, length, then r0-r3, r12, lr, pc, xpsr, sp
        assertEquals('A', ze[at]);
        if (thumbBit) {
            ze[at + 5 + 6 * 4] |= 1; // arm_arch_block.pc (zephyr/arch/arm/core/cortex_m/coredump.c)
        }
        return ze;
    }
}
