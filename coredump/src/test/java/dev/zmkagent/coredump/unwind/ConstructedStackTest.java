package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.unwind.cfi.UnwindRow;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Exception frames, arch-block sp meanings, prologue patterns, stops and the heuristic scan, on constructed stacks.
 * The code and CFI are the real -O2 test program (prog-O2.elf); the stacks are built here word by word.
 */
class ConstructedStackTest {
    static final long RAM = 0x2000_0000L;
    final GdbFixture fx = new GdbFixture("O2-s0");
    final byte[] ram = new byte[0x4000];
    final RegionMemory mem = new RegionMemory().add("ram", RAM, ram);

    void word(long addr, long v) {
        CfiTest.put(ram, (int) (addr - RAM), v);
    }

    long sym(String name) {
        return fx.symbol(name);
    }

    Backtrace unwind(RegisterSet regs, UnwindOptions o) {
        return Unwinder.unwind(fx.elf, new TestSymbolizer(fx.elf), mem, regs, o);
    }

    /** Stacks an exception frame at {@code frame} whose pc is in stop_here (a leaf: CFA = sp, lr in register). */
    void stackFrame(long frame, long lr, long xpsr) {
        long[] w = {0x10, 0x11, 0x12, 0x13, 0x1C, lr, sym("stop_here") + 2, xpsr};
        for (int i = 0; i < 8; i++) {
            word(frame + 4L * i, w[i]);
        }
    }

    @Test
    void excReturnValues() {
        for (long v : new long[] {0xFFFFFFF1L, 0xFFFFFFF9L, 0xFFFFFFFDL, 0xFFFFFFE1L, 0xFFFFFFE9L, 0xFFFFFFEDL}) {
            assertTrue(ExceptionFrames.isExcReturn(v));
        }
        assertFalse(ExceptionFrames.isExcReturn(0xFFFFFFF5L));
        assertFalse(ExceptionFrames.isExcReturn(0x0800_1235L));
        assertTrue(ExceptionFrames.usesProcessStack(0xFFFFFFEDL));
        assertTrue(ExceptionFrames.isExtended(0xFFFFFFE9L));
        assertFalse(ExceptionFrames.isExtended(0xFFFFFFF9L));
        assertEquals(0x2000_0120L, ExceptionFrames.preExceptionSp(0x2000_0100L, false, 0x0100_0000L));
        assertEquals(0x2000_0124L, ExceptionFrames.preExceptionSp(0x2000_0100L, false, 0x0100_0200L));
        assertEquals(0x2000_0168L, ExceptionFrames.preExceptionSp(0x2000_0100L, true, 0x0100_0000L));
        assertEquals(0x2000_016CL, ExceptionFrames.preExceptionSp(0x2000_0100L, true, 0x0100_0200L));
    }

    /** Handler at its first instruction (PendSV_Handler), lr = EXC_RETURN, crossing to main or process stack. */
    void crossesBoundary(long excReturn, long xpsr, boolean psp, long expectedSp) {
        long frame = RAM + 0x1000;
        stackFrame(frame, sym("leaf_chain_a") + 0x10 | 1, xpsr);
        RegisterSet regs = RegisterSet.empty().with(RegisterSet.PC, sym("PendSV_Handler")).with(RegisterSet.LR, excReturn)
                .with(RegisterSet.SP, psp ? RAM + 0x3F00 : frame).with(RegisterSet.MSP, psp ? RAM + 0x3F00 : frame).with(4, 0x44);
        if (psp) {
            regs = regs.with(RegisterSet.PSP, frame);
        }
        Backtrace bt = unwind(regs, UnwindOptions.defaults().withHeuristicScan(false).withMaxFrames(3));
        assertEquals("PendSV_Handler", bt.frames().get(0).function());
        Frame boundary = bt.frames().get(1);
        assertEquals(FrameKind.EXCEPTION, boundary.kind());
        assertTrue(boundary.pc().isEmpty());
        assertEquals(frame, boundary.cfa().getAsLong());
        Frame interrupted = bt.frames().get(2);
        assertEquals("stop_here", interrupted.function());
        assertEquals(sym("stop_here") + 2, interrupted.pc().getAsLong(), "the interrupted instruction itself, not pc-1");
        assertEquals(expectedSp, interrupted.registers().value(RegisterSet.SP));
        assertEquals(0x10, interrupted.registers().value(0));
        assertEquals(0x44, interrupted.registers().value(4), "r4 is not stacked: it carries over from the handler");
        assertEquals(expectedSp, interrupted.registers().value(psp ? RegisterSet.PSP : RegisterSet.MSP));
    }

    @Test
    void basicFrameOnMainStack() {
        crossesBoundary(0xFFFFFFF9L, 0x0100_0000L, false, RAM + 0x1020);
    }

    @Test
    void alignmentPadIsHonoured() {
        crossesBoundary(0xFFFFFFF9L, 0x0100_0200L, false, RAM + 0x1024);
    }

    @Test
    void extendedFpFrameOnProcessStack() {
        crossesBoundary(0xFFFFFFEDL, 0x0100_0000L, true, RAM + 0x1068);
        crossesBoundary(0xFFFFFFEDL, 0x0100_0200L, true, RAM + 0x106C);
    }

    @Test
    void processStackWithoutPspStopsAndSaysWhy() {
        long frame = RAM + 0x1000;
        stackFrame(frame, 0, 0x0100_0000L);
        RegisterSet regs = RegisterSet.empty().with(RegisterSet.PC, sym("PendSV_Handler")).with(RegisterSet.LR, 0xFFFFFFFDL)
                .with(RegisterSet.SP, RAM + 0x3F00);
        Backtrace bt = unwind(regs, UnwindOptions.defaults().withHeuristicScan(false));
        assertEquals(FrameKind.EXCEPTION, bt.frames().get(1).kind());
        assertEquals(StopReason.Kind.REGISTER_UNKNOWN, bt.stopReason().kind());
        assertTrue(bt.stopReason().sentence().contains("psp"));
        // Given the thread's stack, the frame is found and unwound (marked RECOVERED).
        Backtrace rec = unwind(regs, UnwindOptions.defaults().withHeuristicScan(false)
                .withInterruptedThreadStack(new AddressRange(RAM + 0x0800, RAM + 0x1400)));
        assertEquals(FrameKind.RECOVERED, rec.frames().get(2).kind(), rec.toString());
        assertEquals("stop_here", rec.frames().get(2).function());
        assertEquals(StopReason.Kind.OUTERMOST, rec.stopReason().kind(), rec.toString());
    }

    @Test
    void archBlockSpMeanings() {
        long frame = RAM + 0x2000;
        stackFrame(frame, sym("leaf_chain_a") + 0x10 | 1, 0x0100_0200L);
        long[] arch = {0x10, 0x11, 0x12, 0x13, 0x1C, sym("leaf_chain_a") + 0x10 | 1, sym("stop_here") + 2, 0x0100_0200L, 0};
        long pre = frame + 36;
        arch[8] = frame;
        FaultContext.Resolved old = FaultContext.resolve(arch, null, false, false, mem);
        assertEquals(FaultContext.SpMeaning.EXCEPTION_FRAME_ADDRESS, old.meaning());
        assertEquals(pre, old.registers().value(RegisterSet.SP));
        arch[8] = pre;
        FaultContext.Resolved now = FaultContext.resolve(arch, null, false, false, mem);
        assertEquals(FaultContext.SpMeaning.PRE_EXCEPTION_SP, now.meaning());
        assertEquals(pre, now.registers().value(RegisterSet.SP));
        assertEquals(frame, now.frameAddress().getAsLong());
        arch[8] = 0;
        FaultContext.Resolved zero = FaultContext.resolve(arch, null, false, false, mem);
        assertEquals(FaultContext.SpMeaning.LOCATED_BY_SEARCH, zero.meaning());
        assertEquals(pre, zero.registers().value(RegisterSet.SP));
        arch[6] += 2; // a frame that is nowhere in memory
        assertEquals(FaultContext.SpMeaning.UNKNOWN, FaultContext.resolve(arch, null, false, false, mem).meaning());
        arch[8] = RAM + 0x3000;
        assertEquals(FaultContext.SpMeaning.UNVERIFIED_PRE_EXCEPTION_SP, FaultContext.resolve(arch, null, false, false, mem).meaning());
        long[] callee = {4, 5, 6, 7, 8, 9, 10, 11};
        assertFalse(FaultContext.resolve(arch, callee, false, false, mem).registers().has(4));
        assertEquals(7, FaultContext.resolve(arch, callee, true, false, mem).registers().value(7));
    }

    @Test
    void unknownSpStopsAfterTheFirstFrame() {
        RegisterSet regs = RegisterSet.empty().with(RegisterSet.PC, sym("stop_here")).with(RegisterSet.LR, sym("main") | 1);
        Backtrace bt = unwind(regs, UnwindOptions.defaults().withLeadingException("HardFault"));
        assertEquals(FrameKind.EXCEPTION, bt.frames().get(0).kind());
        assertEquals("stop_here", bt.frames().get(1).function());
        assertEquals(StopReason.Kind.REGISTER_UNKNOWN, bt.stopReason().kind());
    }

    @Test
    void stops() {
        long sp = RAM + 0x3000;
        // lr = 0 in a leaf: outermost
        Backtrace zero = unwind(RegisterSet.empty().with(RegisterSet.PC, sym("stop_here")).with(RegisterSet.LR, 0).with(RegisterSet.SP, sp),
                UnwindOptions.defaults());
        assertEquals(StopReason.Kind.OUTERMOST, zero.stopReason().kind());
        assertTrue(zero.stopReason().sentence().contains("return address is 0"));
        // lr not code: corrupt
        Backtrace notCode = unwind(RegisterSet.empty().with(RegisterSet.PC, sym("stop_here")).with(RegisterSet.LR, RAM | 1).with(RegisterSet.SP, sp),
                UnwindOptions.defaults().withHeuristicScan(false));
        assertEquals(StopReason.Kind.CORRUPT_FRAME, notCode.stopReason().kind());
        // pc not code
        Backtrace pcBad = unwind(RegisterSet.empty().with(RegisterSet.PC, RAM + 0x10).with(RegisterSet.SP, sp), UnwindOptions.defaults().withHeuristicScan(false));
        assertEquals(StopReason.Kind.CORRUPT_FRAME, pcBad.stopReason().kind());
        // leaf calling itself with the same sp: cycle
        long self = sym("stop_here") + 2;
        Backtrace cycle = unwind(RegisterSet.empty().with(RegisterSet.PC, self).with(RegisterSet.LR, self + 1).with(RegisterSet.SP, sp),
                UnwindOptions.defaults().withHeuristicScan(false));
        assertEquals(StopReason.Kind.CORRUPT_FRAME, cycle.stopReason().kind(), cycle.toString());
        assertTrue(cycle.stopReason().sentence().contains("cycle"));
        // saved lr outside the dump: named address, truncation mentioned
        long a = sym("leaf_chain_a") + 4; // after its push {r3, lr}
        Backtrace missing = unwind(RegisterSet.empty().with(RegisterSet.PC, a).with(RegisterSet.SP, RAM + 0x3FFC),
                UnwindOptions.defaults().withDumpTruncated(true).withHeuristicScan(false));
        assertEquals(StopReason.Kind.MEMORY_NOT_DUMPED, missing.stopReason().kind(), missing.toString());
        assertTrue(missing.stopReason().sentence().contains("0x20004000") && missing.stopReason().sentence().contains("truncated"),
                missing.stopReason().sentence());
        // frame limit
        Backtrace limit = unwind(fx.registers, UnwindOptions.defaults().withMaxFrames(2));
        assertEquals(StopReason.Kind.FRAME_LIMIT, limit.stopReason().kind());
    }

    @Test
    void heuristicScanFindsReturnAddressesAfterCallsAndMarksThemGuesses() {
        long sp = RAM + 0x3000;
        long retInMain = 0x21e; // O2: main's return address after "bl leaf_chain_a" (gdb frame #4 of O2-s0)
        word(sp + 4, 0x1234);                  // not code
        word(sp + 8, retInMain & ~1L);         // even: not a Thumb return address
        word(sp + 12, retInMain | 1);          // a real return address
        word(sp + 16, sym("stop_here") | 1);   // code, but not after a call
        Backtrace bt = unwind(RegisterSet.empty().with(RegisterSet.PC, RAM + 0x100).with(RegisterSet.SP, sp), UnwindOptions.defaults());
        List<Frame> guesses = bt.frames().stream().filter(f -> f.kind() == FrameKind.GUESS).toList();
        assertEquals(1, guesses.size(), bt.toString());
        assertEquals("main", guesses.get(0).function());
        assertEquals(retInMain, guesses.get(0).pc().getAsLong());
        assertTrue(guesses.get(0).note().contains("guess"));
        assertTrue(bt.reliableFrames().stream().noneMatch(f -> f.kind() == FrameKind.GUESS));
    }

    @Test
    void prologuePatterns() {
        // Code placed in "RAM" (outside the ELF), read through the dump as CodeReader does for RAM code.
        long code = RAM + 0x100;
        int[] hw = {
            0xB5F0,         // push {r4-r7, lr}
            0xB084,         // sub sp, #16
            0xAF00,         // add r7, sp, #0
            0xE92D, 0x4F00, // push.w {r8-r11, lr}
            0xF5AD, 0x7D80, // sub.w sp, sp, #256
            0xED2D, 0x8B04, // vpush {d8-d9}
            0xF84D, 0x3D04, // str.w r3, [sp, #-4]!
            0xF2AD, 0x0D0C, // subw sp, sp, #12
            0xF000, 0xF800, // bl: the prologue ends here
        };
        for (int i = 0; i < hw.length; i++) {
            ram[0x100 + 2 * i] = (byte) hw[i];
            ram[0x100 + 2 * i + 1] = (byte) (hw[i] >>> 8);
        }
        CodeReader reader = new CodeReader(fx.elf, mem);
        UnwindRow atStart = PrologueAnalyzer.analyze(reader, code, code).orElseThrow();
        assertEquals("cfa=r13+0", atStart.toString());
        UnwindRow afterPush = PrologueAnalyzer.analyze(reader, code, code + 2).orElseThrow();
        assertEquals("cfa=r13+20 r4=[cfa-20] r5=[cfa-16] r6=[cfa-12] r7=[cfa-8] r14=[cfa-4]", afterPush.toString());
        UnwindRow all = PrologueAnalyzer.analyze(reader, code, code + 28).orElseThrow();
        assertEquals(20 + 16 + 20 + 256 + 16 + 4 + 12, all.cfaOffset());
        assertEquals(-40, all.rule(14).offset(), "the second push of lr is the one nearest the top");
        assertEquals(-56, all.rule(8).offset());
        assertEquals(-20 - 16 - 20 - 256 - 16 - 4, all.rule(3).offset());
        assertEquals(256, PrologueAnalyzer.thumbExpandImm(0xF80));
        assertEquals(0x00AB00AB, PrologueAnalyzer.thumbExpandImm(0x1AB));
        // mov sp, r0 in a prologue: not understood, so no row (never a guess)
        ram[0x200] = (byte) 0x85;
        ram[0x201] = (byte) 0x46;
        assertEquals(Optional.empty(), PrologueAnalyzer.analyze(reader, RAM + 0x200, RAM + 0x204));
    }

    @Test
    void crashSignatureIsStableAcrossAddressesAndSensitiveToReasonAndFrames() {
        Backtrace a = new Backtrace(List.of(
                frame(FrameKind.EXCEPTION, "HardFault", 0), frame(FrameKind.NORMAL, "bad_read", 0x190),
                inlined(FrameKind.NORMAL, "helper", 0x19e), frame(FrameKind.NORMAL, "fault_chain.constprop.0", 0x19e),
                frame(FrameKind.NORMAL, "main", 0x244), frame(FrameKind.GUESS, "Reset_Handler", 0x56)), new StopReason(StopReason.Kind.OUTERMOST, "main"));
        Backtrace b = new Backtrace(List.of(
                frame(FrameKind.NORMAL, "HardFault_Handler", 0x900), frame(FrameKind.EXCEPTION, Unwinder.EXCEPTION_LABEL, 0),
                frame(FrameKind.NORMAL, "bad_read", 0x1190), inlined(FrameKind.NORMAL, "helper", 0x11a0),
                frame(FrameKind.NORMAL, "fault_chain", 0x11a0), frame(FrameKind.NORMAL, "main", 0x1244)), new StopReason(StopReason.Kind.OUTERMOST, "main"));
        assertEquals(List.of("bad_read", "helper", "fault_chain", "main"), CrashSignature.frames(a));
        assertEquals(CrashSignature.compute("K_ERR_ARM_BUS_PRECISE_DATA_BUS", a), CrashSignature.compute("K_ERR_ARM_BUS_PRECISE_DATA_BUS", b));
        assertNotEquals(CrashSignature.compute("K_ERR_ARM_BUS_PRECISE_DATA_BUS", a), CrashSignature.compute("K_ERR_KERNEL_PANIC", a));
        Backtrace c = new Backtrace(List.of(frame(FrameKind.EXCEPTION, "HardFault", 0), frame(FrameKind.NORMAL, "other_read", 0x190),
                frame(FrameKind.NORMAL, "main", 0x244)), new StopReason(StopReason.Kind.OUTERMOST, "main"));
        assertNotEquals(CrashSignature.compute("K_ERR_CPU_EXCEPTION", a), CrashSignature.compute("K_ERR_CPU_EXCEPTION", c));
        assertEquals(12, CrashSignature.shortForm("x", a).length());
    }

    static Frame frame(FrameKind kind, String fn, long pc) {
        return new Frame(kind, kind == FrameKind.EXCEPTION ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(pc), fn, null, 0,
                false, RegisterSet.empty(), java.util.OptionalLong.empty(), "");
    }

    static Frame inlined(FrameKind kind, String fn, long pc) {
        return new Frame(kind, java.util.OptionalLong.of(pc), fn, null, 0, true, RegisterSet.empty(), java.util.OptionalLong.empty(), "");
    }

    @Test
    void switchedOutThreadUnwindsFromItsSavedContext() {
        // A fake k_thread at RAM+0x100: callee_saved r4..r11 at +0x20, psp at +0x40 (T_STACK_PTR), arch.mode_exc_return
        // byte at +0x60+4. Its stack holds a basic frame interrupted in stop_here, returning to leaf_chain_a.
        long t = RAM + 0x100;
        long psp = RAM + 0x2800;
        for (int i = 0; i < 8; i++) {
            word(t + 0x20 + 4L * i, 0x400 + i);
        }
        word(t + 0x40, psp);
        ram[0x100 + 0x64] = (byte) 0xFD; // EXC_RETURN low byte: basic frame
        stackFrame(psp, sym("leaf_chain_a") + 0x10 | 1, 0x0100_0000L);
        long[] offs = new long[14];
        java.util.Arrays.fill(offs, 0xFFFF_FFFFL);
        offs[ThreadLister.T_STACK_PTR] = 0x40;
        offs[ThreadLister.T_ARCH] = 0x60;
        offs[ThreadLister.T_ARM_EXC_RETURN] = 4;
        Unwinder u = Unwinder.forElf(fx.elf, new TestSymbolizer(fx.elf));
        Backtrace bt = ThreadLister.unwindSaved(u, mem, new ThreadLister.Offsets(offs), t, psp, UnwindOptions.defaults().withHeuristicScan(false));
        assertEquals("stop_here", bt.frames().get(0).function(), bt.toString());
        assertEquals(0x407, bt.frames().get(0).registers().value(11));
        assertEquals("leaf_chain_a", bt.frames().get(1).function(), bt.toString());
        // stack use from the 0xAA fill
        java.util.Arrays.fill(ram, 0x3000, 0x3100, (byte) 0xAA);
        assertEquals(0x100, ThreadLister.unusedFill(mem, new AddressRange(RAM + 0x3000, RAM + 0x3200)).getAsLong());
    }
}
