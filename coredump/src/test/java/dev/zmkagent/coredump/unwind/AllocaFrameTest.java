package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.unwind.cfi.FdeIndex;
import dev.zmkagent.coredump.unwind.cfi.UnwindRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Frames of a function whose sp moves after its prologue by a run-time amount (alloca, variable-length arrays): GCC
 * makes r7 its frame pointer and describes its CFA by r7. The crash-lab scenarios fw/log_msg.c (Zephyr's
 * z_log_msg_runtime_vcreate in immediate mode) crash below such a frame or in it; gdb's live backtrace is the truth.
 * Without r7 in the dump the frame's CFA is not known, and sp cannot stand in for it: the unwind stops there, says
 * why, proves no r7 and scans for no guesses. With r7 (CONFIG_EXTRA_EXCEPTION_INFO) every caller is proved, by the CFI
 * or, for code without CFI, by the frame pointer the prologue set up.
 */
class AllocaFrameTest {
    private static final String ALLOCA = "z_log_msg_runtime_vcreate";

    private record Run(Backtrace bt, List<String> truth) {
    }

    /** Our unwind from the dump's own registers (r4-r11 only where the dump has them), and gdb's frames at the fault. */
    @SuppressWarnings("unchecked")
    private static Run run(String name) {
        CrashLab.Scenario s = CrashLab.scenario(name);
        ElfFile elf = ElfFile.parse(ByteView.of(s.appElf()));
        ZephyrDump d = StoredDump.read(ByteView.of(s.partition())).dump().orElseThrow();
        RegionMemory memory = new RegionMemory();
        for (MemoryBlock mb : d.memory()) {
            memory.add("dump", mb.start(), mb.data().toArray());
        }
        Unwinder u = Unwinder.forElf(elf, DebugInfo.forElf(elf));
        UnwindOptions o = UnwindOptions.defaults().withOutermostFunctions(Set.of("z_thread_entry"));
        Backtrace bt = u.unwind(memory, FaultContext.forDump(d, memory, u, o).registers(), o);
        List<String> truth = new ArrayList<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) ((Map<String, Object>) s.truth().get("interrupted_thread")).get("frames")) {
            if (f.get("function") != null) {
                truth.add(f.get("pc") + " " + f.get("function") + (Boolean.TRUE.equals(f.get("inlined")) ? " [inlined]" : ""));
            }
        }
        return new Run(bt, truth);
    }

    private static List<String> ours(Backtrace bt) {
        List<String> out = new ArrayList<>();
        for (Frame f : bt.frames()) {
            out.add(String.format("0x%08x %s%s", f.pc().getAsLong(), f.function(), f.inlined() ? " [inlined]" : ""));
        }
        return out;
    }

    /** gdb's frames up to and including the machine frame of {@code function}. */
    private static List<String> through(List<String> truth, String function) {
        for (int i = 0; i < truth.size(); i++) {
            if (truth.get(i).endsWith(" " + function)) {
                return truth.subList(0, i + 1);
            }
        }
        throw new AssertionError(function + " not in " + truth);
    }

    private static void assertStopsAtTheAllocaFrame(Run r, String what) {
        assertStopsAt(r, what, ALLOCA);
    }

    private static void assertStopsAt(Run r, String what, String function) {
        String detail = what + "\n" + r.bt();
        assertEquals(through(r.truth(), function), ours(r.bt()), detail);
        assertEquals(StopReason.Kind.REGISTER_UNKNOWN, r.bt().stopReason().kind(), detail);
        String why = r.bt().stopReason().sentence();
        assertTrue(why.startsWith(function + ": ") && why.contains("r7 is not known") && why.contains("moves sp at 0x"), why);
        // GCC's alloca/VLA code sets sp from, or lowers it by, a register: a run-time amount, and the sentence says so
        assertTrue(why.matches(".*: sp (set from|lowered by) a register \\((mov|sub)[^)]*\\), by an amount only known at run time.*"), why);
        assertTrue(r.bt().frames().stream().noneMatch(f -> f.kind() == FrameKind.GUESS), "no stack-scan guesses above an alloca area: " + detail);
        assertFalse(r.bt().establishedAtStart().has(7), "r7 is not proved: " + detail);
    }

    @Test
    void aCalleeFaultBelowAnAllocaFrameEndsAtThatFrameAndSaysWhy() {
        // before: sp + 56 (the prologue's offset) was taken as the CFA, r7 "proved" from it, and the word read as the
        // return address was 0: a clean "outermost" stop that hid six callers
        assertStopsAtTheAllocaFrame(run("nice_nano-vla-callee"), "nice_nano-vla-callee");
    }

    @Test
    void aFaultInTheAllocaFunctionAfterSpMovedEndsThere() {
        // before: a wrong r7, then stack-scan guesses, the first of them a stale return address never on the call path
        assertStopsAtTheAllocaFrame(run("nice_nano-vla-self"), "nice_nano-vla-self");
    }

    @Test
    void withoutCallFrameInformationOrR7TheAllocaFrameEndsTheBacktraceToo() {
        Run r = run("xiao-vla-self-nocfi");
        assertStopsAtTheAllocaFrame(r, "xiao-vla-self-nocfi");
        assertTrue(r.bt().stopReason().sentence().contains("no call-frame information"), r.bt().stopReason().sentence());
    }

    @Test
    void aVariableLengthArrayInABehaviorEndsTheBacktraceWithoutR7() {
        // GCC's VLA code: sp saved in r8, moved by the computed size after the empty-macro branch, restored at the end
        // of the array's scope; before: its CFA from sp + 40 (wrong by the array's size), r7 "proved" from it
        assertStopsAt(run("nice_nano-vla-macro"), "nice_nano-vla-macro", "queue_macro");
    }

    @Test
    void withR7InTheDumpTheCfiRuleProvesEveryCaller() {
        for (String name : List.of("nice_nano-vla-callee-extra-info", "xiao-vla-self-extra-info", "xiao-vla-macro-extra-info")) {
            Run r = run(name);
            assertEquals(r.truth(), ours(r.bt()), name + "\n" + r.bt());
            assertTrue(r.bt().stopReason().isClean(), r.bt().toString());
        }
    }

    @Test
    void withoutCallFrameInformationTheFramePointerGivesTheCallers() {
        // before: sp-based prologue analysis of the alloca function read 0 as its return address: "outermost" after 5 frames
        Run r = run("nice_nano-vla-callee-nocfi-extra-info");
        assertEquals(r.truth(), ours(r.bt()), r.bt().toString());
        Frame alloca = r.bt().frames().stream().filter(f -> f.function().equals(ALLOCA)).findFirst().orElseThrow();
        assertTrue(alloca.note().contains("frame pointer r7"), alloca.note());
        assertTrue(r.bt().stopReason().isClean(), r.bt().toString());
    }

    /** Thumb code in the dump's RAM (no ELF symbol, no CFI), as CodeReader reads it. */
    private static CodeReader code(RegionMemory mem, byte[] ram, long base, int... hw) {
        for (int i = 0; i < hw.length; i++) {
            ram[2 * i] = (byte) hw[i];
            ram[2 * i + 1] = (byte) (hw[i] >>> 8);
        }
        return new CodeReader(ElfFile.parse(ByteView.of(CrashLab.scenario("nice_nano-vla-self").appElf())), mem);
    }

    @Test
    void prologueAnalysisSaysWhetherItsRowHoldsAtThePc() {
        long base = 0x2000_0000L;
        byte[] ram = new byte[0x100];
        RegionMemory mem = new RegionMemory().add("ram", base, ram);
        // GCC's shape of z_log_msg_runtime_vcreate: frame pointer, an early-return branch, then sp moved by a register
        CodeReader reader = code(mem, ram, base,
                0xE92D, 0x4FF0, // 0x00 push.w {r4-r11, lr}
                0xB085,         // 0x04 sub sp, #20
                0xAF02,         // 0x06 add r7, sp, #8
                0xD010,         // 0x08 beq: the analysis stops here
                0xEBAD, 0x0D03, // 0x0a sub.w sp, sp, r3
                0xF000, 0xF800, // 0x0e bl
                0x370C,         // 0x12 adds r7, #12
                0x46BD,         // 0x14 mov sp, r7 (the epilogue: does not count)
                0xE8BD, 0x8FF0  // 0x16 pop.w {r4-r11, pc}
        );
        PrologueAnalyzer.Analysis a = PrologueAnalyzer.analysis(reader, base, base + 0x1a, base + 0x12).orElseThrow();
        assertEquals(56, a.row().cfaOffset());
        assertEquals(base + 0x08, a.stoppedAt());
        assertFalse(a.reachedPc());
        assertEquals(48, a.framePointer().getAsLong(), "r7 = CFA - 48");
        assertEquals(base + 0x0a, a.spMovedAt().getAsLong());
        assertFalse(a.holdsAtPc());
        // at the beq itself the analysed prologue is all that ran
        assertTrue(PrologueAnalyzer.analysis(reader, base, base + 0x1a, base + 0x08).orElseThrow().holdsAtPc());
        // the end of the function not known: nothing is proved past the branch
        PrologueAnalyzer.Analysis open = PrologueAnalyzer.analysis(reader, base, base, base + 0x12).orElseThrow();
        assertFalse(open.restChecked());
        assertFalse(open.holdsAtPc());
        // the same old entry point keeps its row (tests and callers that only want the row)
        UnwindRow row = PrologueAnalyzer.analyze(reader, base, base + 0x12).orElseThrow();
        assertEquals(56, row.cfaOffset());
    }

    @Test
    void literalPoolsAreNoInstructionsForTheSpSearch() {
        // the mapping symbols of the lab ELF: the alloca function's code is $t, the literal word after its last
        // instruction $d (GCC's literal pool, found from objdump-free facts: the function's last 4 bytes)
        ElfFile elf = ElfFile.parse(ByteView.of(CrashLab.scenario("nice_nano-vla-self").appElf()));
        var fn = elf.symbols().byName(ALLOCA).orElseThrow();
        long start = fn.address() & ~1L;
        CodeReader reader = new CodeReader(elf, new RegionMemory());
        assertFalse(reader.isDataInCode(start), "its first instruction is code");
        assertTrue(reader.isDataInCode(start + fn.size() - 4), "the function ends with a literal pool word");
    }

    @Test
    void aCallRightBeforeThePcIsWhereTheAnalysisReachesIt() {
        long base = 0x2000_0000L;
        byte[] ram = new byte[0x100];
        RegionMemory mem = new RegionMemory().add("ram", base, ram);
        CodeReader reader = code(mem, ram, base,
                0xB580,         // 0x00 push {r7, lr}
                0xB082,         // 0x02 sub sp, #8
                0xAF00,         // 0x04 add r7, sp, #0
                0xF000, 0xF800, // 0x06 bl: returns to 0x0a
                0xD001,         // 0x0a beq
                0xB401,         // 0x0c push {r0}: sp moves in the body (a shrink-wrapped or hand-written push)
                0xBD80          // 0x0e pop {r7, pc}
        );
        PrologueAnalyzer.Analysis caller = PrologueAnalyzer.analysis(reader, base, base + 0x10, base + 0x0a).orElseThrow();
        assertTrue(caller.reachedPc(), "the bl that returns to the pc ends the analysis there");
        assertTrue(caller.holdsAtPc());
        assertEquals(16, caller.framePointer().getAsLong(), "r7 = sp after push {r7, lr}; sub sp, #8: CFA - 16");
        PrologueAnalyzer.Analysis later = PrologueAnalyzer.analysis(reader, base, base + 0x10, base + 0x0e).orElseThrow();
        assertFalse(later.reachedPc());
        assertEquals(base + 0x0c, later.spMovedAt().getAsLong(), "a push after the analysed prologue moves sp");
        assertFalse(later.holdsAtPc());
    }

    /** The lab ELF with the st_size of every symbol at {@code address} (Thumb bit set in the ELF) changed to {@code size}. */
    private static byte[] withSymbolSize(byte[] elfBytes, long address, long size) {
        ElfFile elf = ElfFile.parse(ByteView.of(elfBytes));
        var symtab = elf.section(".symtab").orElseThrow();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(elfBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int patched = 0;
        for (long off = symtab.fileOffset(); off + 16 <= symtab.fileOffset() + symtab.size(); off += 16) {
            if ((b.getInt((int) off + 4) & 0xFFFF_FFFEL) == address && (b.get((int) off + 12) & 0xF) == ElfSymbol.STT_FUNC) {
                b.putInt((int) off + 8, (int) size);
                patched++;
            }
        }
        assertTrue(patched > 0);
        return elfBytes;
    }

    @Test
    void whereTheRestOfAnR7CfaFunctionCannotBeSearchedTheFrameUnwindsFromSpAndSaysItIsUnchecked() {
        // An assembly symbol with .cfi but size 0 (its start from .ARM.exidx): the search for sp moves after the
        // prologue cannot run. Before the sp-move rule such a frame unwound from sp; the rule then stopped it although
        // no sp move was found. The state is real: the alloca function at the instruction right after its first
        // branch, where sp is still the prologue's (its sp move comes later, as the search over its real size shows).
        byte[] lab = CrashLab.scenario("nice_nano-vla-self").appElf();
        ElfFile real = ElfFile.parse(ByteView.of(lab.clone()));
        var fn = real.symbols().byName(ALLOCA).orElseThrow();
        long start = fn.address();
        CodeReader realCode = new CodeReader(real, new RegionMemory());
        PrologueAnalyzer.Analysis full = PrologueAnalyzer.analysis(realCode, start, start + fn.size(), start + fn.size()).orElseThrow();
        long branch = full.stoppedAt();
        long pc = branch + (CodeReader.isWide(realCode.halfword(branch).getAsInt()) ? 4 : 2);
        PrologueAnalyzer.Analysis atPc = PrologueAnalyzer.analysis(realCode, start, start + fn.size(), pc).orElseThrow();
        assertTrue(atPc.spMovedAt().getAsLong() >= pc, "sp has not moved yet at the pc");

        ElfFile sizeless = ElfFile.parse(ByteView.of(withSymbolSize(lab.clone(), start, 0)));
        FdeIndex fdes = FdeIndex.build(sizeless);
        UnwindRow cfi = dev.zmkagent.coredump.unwind.cfi.CfiInterpreter.rowAt(fdes.find(pc).orElseThrow(), pc);
        assertEquals(7, cfi.cfaRegister(), "the CFI gives the CFA from r7 here");
        long sp = 0x2000_8000L;
        long cfa = sp + atPc.row().cfaOffset();
        long returnAddress = (start + 0x41) & 0xFFFF_FFFFL; // any Thumb code address: read back from the lr slot
        byte[] stack = new byte[0x100];
        long lrSlot = cfa + cfi.rule(RegisterSet.LR).offset();
        java.nio.ByteBuffer.wrap(stack).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) (lrSlot - sp), (int) returnAddress);
        RegionMemory memory = new RegionMemory().add("stack", sp, stack);
        RegisterSet regs = RegisterSet.empty().with(RegisterSet.SP, sp).with(RegisterSet.PC, pc).with(RegisterSet.LR, 0xFFFF_FFFFL);
        FrameStepper stepper = new FrameStepper(sizeless, fdes, ExidxTable.of(start, start + fn.size()),
                new CodeReader(sizeless, memory), p -> { });
        FrameStepper.Step step = assertDoesNotThrow(() -> stepper.step(memory, regs, pc, pc, false));
        assertEquals(cfa, step.cfa());
        assertEquals(returnAddress & ~1L, step.caller().value(RegisterSet.PC));
        assertTrue(step.method().contains("unchecked") && step.method().contains("its end is not known"), step.method());
        assertFalse(step.established().has(7), "r7 is not proved from an unchecked CFA");

        // with its size the search runs, finds the later sp move and stops the frame, as the crash-lab tests show
        FrameStepper sized = new FrameStepper(real, FdeIndex.build(real), ExidxTable.empty(), new CodeReader(real, memory), p -> { });
        UnwindStop stop = assertThrows(UnwindStop.class, () -> sized.step(memory, regs, pc, pc, false));
        assertTrue(stop.getMessage().contains("moves sp at 0x"), stop.getMessage());
    }

    @Test
    void theFrameUnwindEpilogueMovWSpR7IsNoSpMove() {
        long base = 0x2000_0000L;
        byte[] ram = new byte[0x100];
        RegionMemory mem = new RegionMemory().add("ram", base, ram);
        CodeReader reader = code(mem, ram, base,
                0xB580,         // 0x00 push {r7, lr}
                0xB082,         // 0x02 sub sp, #8
                0xAF00,         // 0x04 add r7, sp, #0
                0xD001,         // 0x06 beq: the analysis stops here
                0xF000, 0xF800, // 0x08 bl
                0xEA4F, 0x0D07, // 0x0c mov.w sp, r7 (the 32-bit epilogue)
                0xBD80          // 0x10 pop {r7, pc}
        );
        PrologueAnalyzer.Analysis a = PrologueAnalyzer.analysis(reader, base, base + 0x12, base + 0x0c).orElseThrow();
        assertFalse(a.reachedPc());
        assertTrue(a.restChecked());
        assertTrue(a.spMovedAt().isEmpty(), "mov.w sp, r7 raises sp back to the frame pointer");
        assertTrue(a.holdsAtPc());
        assertTrue(PrologueAnalyzer.spMove(reader, base + 0x0c).isEmpty());
    }

    @Test
    void anSpMoveSaysWhatItIsAndWhetherItsAmountIsOnlyKnownAtRunTime() {
        long base = 0x2000_0000L;
        byte[] ram = new byte[0x100];
        RegionMemory mem = new RegionMemory().add("ram", base, ram);
        CodeReader reader = code(mem, ram, base,
                0xB501,         // 0x00 push {r0, lr}
                0xB084,         // 0x02 sub sp, #16
                0xF5AD, 0x6D80, // 0x04 sub.w sp, sp, #1024
                0xEBAD, 0x0D03, // 0x08 sub.w sp, sp, r3
                0x469D,         // 0x0c mov sp, r3
                0xEA4F, 0x0D03, // 0x0e mov.w sp, r3
                0xE92D, 0x4010  // 0x12 push.w {r4, lr}
        );
        String[] what = {"a push of 8 bytes (push)", "a sub of 16 bytes (sub sp, #16)", "a sub of 1024 bytes (sub.w sp, sp, #1024)",
            "sp lowered by a register (sub.w sp, sp, r3)", "sp set from a register (mov sp, r3)", "sp set from a register (mov.w sp, r3)",
            "a push of 8 bytes (push.w)"};
        long[] at = {0x00, 0x02, 0x04, 0x08, 0x0c, 0x0e, 0x12};
        boolean[] runTime = {false, false, false, true, true, true, false};
        for (int i = 0; i < at.length; i++) {
            PrologueAnalyzer.SpMove m = PrologueAnalyzer.spMove(reader, base + at[i]).orElseThrow();
            assertEquals(what[i], m.what());
            assertEquals(runTime[i], m.runTime(), m.what());
        }
    }
}
