package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real stacks from QEMU (mps2-an386, Cortex-M4F) at -O0/-Og/-O2, unwound by us and compared frame for frame with gdb's
 * backtrace at the same breakpoint: function, file, line and pc. gdb's inline and tail-call frames come from DWARF
 * (inlined subroutines, call sites), which our test symbolizer does not read, so they are left out of the comparison;
 * where gdb has an inline frame the machine frame's line is gdb's call-site line, so only its function is compared.
 */
class GdbFixtureTest {
    static Stream<String> fixtures() {
        return GdbFixture.names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void liveUnwindMatchesGdb(String name) {
        GdbFixture fx = new GdbFixture(name);
        UnwindOptions options = fx.unwindOptions();
        Backtrace bt = Unwinder.unwind(fx.elf, new TestSymbolizer(fx.elf), fx.memory, fx.registers, options);
        List<Frame> ours = bt.reliableFrames();
        List<GdbFixture.GdbFrame> gdb = new ArrayList<>();
        for (GdbFixture.GdbFrame g : fx.frames) {
            gdb.add(g);
            if (!fx.preFrames.isEmpty() && g.kind().equals("SIGTRAMP")) {
                break; // QEMU gives gdb no psp: gdb's frames after this boundary are garbage (0x0 ??)
            }
        }
        int n = compare(fx, gdb, ours, 0, false, bt);
        if (!fx.preFrames.isEmpty()) {
            // Beyond gdb: the interrupted thread, found on its stack and unwound; gdb's truth is its bt just before.
            int m = compare(fx, fx.preFrames, ours, n, true, bt);
            for (int i = n; i < n + m; i++) {
                assertEquals(FrameKind.RECOVERED, ours.get(i).kind(), bt.toString());
            }
        }
    }

    /** Compares gdb's machine frames with ours from index {@code from}; returns how many of ours it consumed. */
    static int compare(GdbFixture fx, List<GdbFixture.GdbFrame> gdbAll, List<Frame> ours, int from, boolean interruptedTruth, Backtrace bt) {
        List<GdbFixture.GdbFrame> gdb = fx.machineFrames(gdbAll);
        assertTrue(ours.size() - from >= gdb.size(), () -> "we found fewer frames than gdb:\n" + bt + "\ngdb: " + gdbAll);
        for (int i = 0; i < gdb.size(); i++) {
            GdbFixture.GdbFrame g = gdb.get(i);
            Frame f = ours.get(from + i);
            String ctx = fx.name + " frame " + i + "\n" + bt + "\ngdb: " + gdbAll;
            if (g.kind().equals("SIGTRAMP")) {
                assertEquals(FrameKind.EXCEPTION, f.kind(), ctx);
                assertEquals(Unwinder.EXCEPTION_LABEL, f.function(), ctx);
                continue;
            }
            assertEquals(g.function(), f.function(), ctx);
            if (interruptedTruth && i == 0) {
                continue; // gdb stopped before the exception; we see the instruction the exception interrupted
            }
            assertEquals(g.pc(), f.pc().getAsLong(), ctx);
            boolean hasInlineAbove = gdbAll.stream().anyMatch(o -> o.kind().equals("INLINE") && o.pc() == g.pc() && o.index() < g.index());
            if (!hasInlineAbove) {
                assertEquals(g.location(), f.location(), ctx);
            }
        }
        return gdb.size();
    }

    /** The fault scenarios again, this time as a Zephyr dump would present them: stacked registers and an arch sp. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void dumpOfFaultMatchesGdbAfterItsSignalFrame(String name) {
        GdbFixture fx = new GdbFixture(name);
        if (!fx.frames.get(0).function().equals("HardFault_Handler")) {
            return;
        }
        Backtrace live = Unwinder.unwind(fx.elf, new TestSymbolizer(fx.elf), fx.memory, fx.registers,
                UnwindOptions.defaults().withInterruptedThreadStack(fx.processStack()));
        Frame boundary = live.frames().stream().filter(f -> f.kind() == FrameKind.EXCEPTION).findFirst().orElseThrow();
        long frame = boundary.cfa().getAsLong();
        long[] arch = new long[9];
        for (int i = 0; i < 8; i++) {
            arch[i] = fx.memory.u32(frame + 4L * i).getAsLong();
        }
        long pre = ExceptionFrames.preExceptionSp(frame, false, arch[7]);
        List<GdbFixture.GdbFrame> truth;
        boolean interrupted = !fx.preFrames.isEmpty();
        if (interrupted) {
            truth = fx.preFrames;
        } else {
            int sig = fx.frames.indexOf(fx.frames.stream().filter(g -> g.kind().equals("SIGTRAMP")).findFirst().orElseThrow());
            truth = fx.frames.subList(sig + 1, fx.frames.size());
        }
        for (long sp : new long[] {frame, pre, 0}) {
            arch[8] = sp;
            FaultContext.Resolved ctx = FaultContext.resolve(arch, new long[8], false, false, fx.memory);
            assertEquals(pre, ctx.registers().value(RegisterSet.SP), ctx.explanation());
            assertFalse(ctx.registers().has(4), "r4 from a v2 block without EXTRA_EXCEPTION_INFO is unknown, not 0");
            Backtrace bt = Unwinder.unwind(fx.elf, new TestSymbolizer(fx.elf), fx.memory, ctx.registers(),
                    UnwindOptions.defaults().withLeadingException("HardFault"));
            assertEquals(FrameKind.EXCEPTION, bt.frames().get(0).kind());
            assertEquals("HardFault", bt.frames().get(0).function());
            compare(fx, truth, bt.reliableFrames(), 1, interrupted, bt);
        }
    }
}
