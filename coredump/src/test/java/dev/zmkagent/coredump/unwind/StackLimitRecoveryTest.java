package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.cortexm.ArmArchitecture;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.RegionMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * m33-stack-limit: the core stopped the kscan thread at PSPLIM and stacked nothing. The chain rebuilt from the stack
 * is gdb's at the overflowing instruction (taken live by the lab), and only evidence makes it: without the real
 * saved return address nothing is rebuilt, a stale return address planted below it is not taken, and a crash that
 * is not a stack-limit overflow is left to the normal unwinder.
 */
class StackLimitRecoveryTest {
    private static final CrashLab.Scenario S = CrashLab.scenario("m33-stack-limit");
    private static final ElfFile ELF = ElfFile.parse(ByteView.of(S.appElf()));
    private static final UnwindOptions OPTIONS = UnwindOptions.defaults().withOutermostFunctions(Set.of("z_thread_entry"));

    @SuppressWarnings("unchecked")
    private static Map<String, Object> overflow() {
        return (Map<String, Object>) S.truth().get("stack_overflow");
    }

    private static ZephyrDump dump() {
        return StoredDump.read(ByteView.of(S.partition())).dump().orElseThrow();
    }

    private static RegionMemory memory(ZephyrDump d, long patchAt, long value) {
        RegionMemory m = new RegionMemory();
        for (MemoryBlock mb : d.memory()) {
            byte[] b = mb.data().toArray();
            if (patchAt >= mb.start() && patchAt + 4 <= mb.start() + b.length) {
                int o = (int) (patchAt - mb.start());
                for (int i = 0; i < 4; i++) {
                    b[o + i] = (byte) (value >>> (8 * i));
                }
            }
            m.add("dump", mb.start(), b);
        }
        return m;
    }

    private static Optional<StackLimitRecovery.Result> recover(RegionMemory m, long limit) {
        Unwinder u = Unwinder.forElf(ELF, DebugInfo.forElf(ELF));
        AddressRange stack = ELF.symbols().containing(limit).map(s -> new AddressRange(s.address(), s.address() + s.size())).orElseThrow();
        return StackLimitRecovery.recover(u, m, limit, stack, OPTIONS);
    }

    @SuppressWarnings("unchecked")
    @Test
    void theChainIsGdbsAtTheOverflowingInstruction() {
        long limit = CrashLab.hex(overflow().get("stack_start"));
        StackLimitRecovery.Result r = recover(memory(dump(), 0, 0), limit).orElseThrow();
        List<Map<String, Object>> truth = (List<Map<String, Object>>) overflow().get("frames");
        assertEquals(truth.get(0).get("function"), r.function());
        assertEquals(((Number) overflow().get("bytes_below_limit")).longValue(), r.bytesBelow());
        assertEquals(((Number) overflow().get("frame_bytes")).longValue() + 12, r.frameBytes(), "sub sp #imm after push {r4, r5, lr}");
        Map<String, Object> caller = (Map<String, Object>) overflow().get("caller_registers");
        assertEquals(CrashLab.hex(caller.get("sp")), r.cfa());
        assertEquals(CrashLab.hex(caller.get("pc")), r.caller().value(RegisterSet.PC));
        assertEquals(CrashLab.hex(caller.get("r4")), r.caller().value(4), "r4 as the overflowing function's CFI restores it");
        List<String> want = new ArrayList<>();
        for (Map<String, Object> f : truth) {
            if (f.get("function") != null) {
                want.add(f.get("function") + (want.isEmpty() ? "" : "@" + f.get("pc")));
            }
        }
        List<String> got = new ArrayList<>();
        for (Frame f : r.backtrace().frames()) {
            assertEquals(FrameKind.RECOVERED, f.kind(), f.toString());
            got.add(f.function() + (f.pc().isPresent() ? String.format("@0x%08x", f.pc().getAsLong()) : ""));
        }
        assertEquals(want, got);
        assertTrue(r.backtrace().stopReason().isClean());
    }

    @Test
    void withoutTheSavedReturnAddressNothingIsRebuilt() {
        long limit = CrashLab.hex(overflow().get("stack_start"));
        StackLimitRecovery.Result real = recover(memory(dump(), 0, 0), limit).orElseThrow();
        // every return address above it belongs to a frame that fitted: no other word proves an overflow
        assertEquals(Optional.empty(), recover(memory(dump(), real.returnSlot(), 0), limit).map(StackLimitRecovery.Result::function));
        // and the refusal says why, for the report
        Unwinder u = Unwinder.forElf(ELF, DebugInfo.forElf(ELF));
        AddressRange stack = ELF.symbols().containing(limit).map(s -> new AddressRange(s.address(), s.address() + s.size())).orElseThrow();
        StackLimitRecovery.Attempt a = StackLimitRecovery.attemptRecover(u, memory(dump(), real.returnSlot(), 0), limit, stack, OPTIONS);
        assertEquals(Optional.of(String.format("no word of the stack from the limit 0x%08x up is a return address after a call to a function"
                + " whose frame (by its call-frame information) would reach below the limit", limit)), a.refusal());
        assertTrue(StackLimitRecovery.attemptRecover(u, memory(dump(), 0, 0), limit, stack, OPTIONS).refusal().isEmpty(), "rebuilt: no refusal");
    }

    @Test
    void aCallerChainThatDoesNotReachTheEntryIsRefusedAndSaysSo() {
        long limit = CrashLab.hex(overflow().get("stack_start"));
        StackLimitRecovery.Result real = recover(memory(dump(), 0, 0), limit).orElseThrow();
        // a saved lr further up the chain (just below frame 2's CFA, where the render's push put it) overwritten with an
        // address outside the code: the innermost return address still passes, but the walk from it stops on the way
        Unwinder u = Unwinder.forElf(ELF, DebugInfo.forElf(ELF));
        AddressRange stack = ELF.symbols().containing(limit).map(s -> new AddressRange(s.address(), s.address() + s.size())).orElseThrow();
        long callerSlot = real.backtrace().frames().get(2).cfa().orElseThrow() - 4;
        StackLimitRecovery.Attempt a = StackLimitRecovery.attemptRecover(u, memory(dump(), callerSlot, 0x1234_5679L), limit, stack, OPTIONS);
        assertTrue(a.result().isEmpty());
        String why = a.refusal().orElseThrow();
        assertTrue(why.startsWith(String.format("the lowest return address on the stack that could be the overflowing function's (0x%08x, saved at"
                + " 0x%08x) follows a call to %s", real.caller().value(RegisterSet.PC), real.returnSlot(), real.function()))
                && why.contains("but the unwind from that return address does not reach the thread's entry"), why);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStaleReturnAddressBelowTheRealOneIsNotTaken() {
        long limit = CrashLab.hex(overflow().get("stack_start"));
        StackLimitRecovery.Result real = recover(memory(dump(), 0, 0), limit).orElseThrow();
        // a return address of an earlier call (crashlab_trigger's into kscan_thread) left at the very bottom of the stack
        Map<?, ?> trigger = ((List<Map<?, ?>>) (List<?>) overflow().get("frames")).stream()
                .filter(f -> "kscan_thread".equals(f.get("function"))).findFirst().orElseThrow();
        long stale = CrashLab.hex(trigger.get("pc")) | 1;
        StackLimitRecovery.Result r = recover(memory(dump(), limit + 4, stale), limit).orElseThrow();
        assertEquals(real.returnSlot(), r.returnSlot());
        assertEquals(real.backtrace().frames().size(), r.backtrace().frames().size());
    }

    @Test
    void onlyAStackLimitOverflowIsRecovered() {
        ZephyrDump d = dump();
        RegionMemory m = memory(d, 0, 0);
        Unwinder u = Unwinder.forElf(ELF, DebugInfo.forElf(ELF));
        FaultContext.Resolved start = FaultContext.forDump(d, m, u, OPTIONS);
        Backtrace normal = u.unwind(m, start.registers(), OPTIONS);
        assertTrue(StackLimitRecovery.forCrash(2, ArmArchitecture.ARMV8_M_MAINLINE, start, normal, Optional.empty(), u, m, OPTIONS).isPresent());
        assertEquals(Optional.empty(), StackLimitRecovery.forCrash(25, ArmArchitecture.ARMV8_M_MAINLINE, start, normal, Optional.empty(), u, m, OPTIONS),
                "another reason");
        assertEquals(Optional.empty(), StackLimitRecovery.forCrash(2, ArmArchitecture.ARMV7E_M, start, normal, Optional.empty(), u, m, OPTIONS),
                "no PSPLIM on Armv7-M");
        Backtrace clean = new Backtrace(List.of(), new StopReason(StopReason.Kind.OUTERMOST, "reached z_thread_entry"));
        assertEquals(Optional.empty(), StackLimitRecovery.forCrash(2, ArmArchitecture.ARMV8_M_MAINLINE, start, clean, Optional.empty(), u, m, OPTIONS),
                "a frame that unwinds was stacked: nothing to rebuild");
    }

    /**
     * Only a dump whose registers show a failed stacking is taken for one: psp at the limit (PSPLIM = the thread's
     * stack start) and pc = lr = the never-written stack bottom. A frame stacked normally near the bottom (a
     * __stack_chk_fail or k_panic with real pc and lr, 32 bytes above the start) is the crashed context: nothing is
     * rebuilt and no refusal claims that the core could not stack it (before: a refusal, or a chain rebuilt over it).
     */
    @SuppressWarnings("unchecked")
    @Test
    void onlyRegistersThatWereNeverStackedAreTakenForAFailedStacking() {
        ZephyrDump d = dump();
        long limit = CrashLab.hex(overflow().get("stack_start"));
        Unwinder u = Unwinder.forElf(ELF, DebugInfo.forElf(ELF));
        AddressRange object = ELF.symbols().containing(limit).map(s -> new AddressRange(s.address(), s.address() + s.size())).orElseThrow();
        Optional<AddressRange> thread = Optional.of(new AddressRange(limit, object.end()));
        StackLimitRecovery.Result real = recover(memory(d, 0, 0), limit).orElseThrow();
        Backtrace stopped = new Backtrace(List.of(), new StopReason(StopReason.Kind.CORRUPT_FRAME, "a stack smashed below its canary"));
        // the real context at the overflowing instruction (from the lab's first run): registers that were stacked
        Map<String, Object> live = (Map<String, Object>) overflow().get("registers");
        for (RegionMemory m : List.of(memory(d, 0, 0), memory(d, real.returnSlot(), 0))) {
            FaultContext.Resolved lab = FaultContext.forDump(d, m, u, OPTIONS);
            assertEquals(OptionalLong.of(limit), lab.frameAddress(), "the lab's psp is PSPLIM");
            StackLimitRecovery.Attempt failed = StackLimitRecovery.attempt(2, ArmArchitecture.ARMV8_M_MAINLINE, lab, stopped, thread, u, m, OPTIONS);
            assertTrue(failed.result().isPresent() || failed.refusal().isPresent(), "the lab's dump: pc = lr = 0 at PSPLIM");
            RegisterSet stacked = lab.registers().with(RegisterSet.PC, CrashLab.hex(live.get("pc"))).with(RegisterSet.LR, CrashLab.hex(live.get("lr")));
            Map<String, FaultContext.Resolved> notFailed = Map.of(
                    "real pc and lr 32 bytes above the start", new FaultContext.Resolved(stacked, lab.meaning(), OptionalLong.of(limit + 32), ""),
                    "real pc and lr at the start", new FaultContext.Resolved(stacked, lab.meaning(), OptionalLong.of(limit), ""),
                    "pc = lr = 0 but 32 bytes above the limit", new FaultContext.Resolved(lab.registers(), lab.meaning(), OptionalLong.of(limit + 32), ""),
                    "pc 0 after a jump to 0 (lr is its caller)", new FaultContext.Resolved(lab.registers().with(RegisterSet.LR, CrashLab.hex(live.get("lr"))),
                            lab.meaning(), OptionalLong.of(limit), ""));
            for (Map.Entry<String, FaultContext.Resolved> e : notFailed.entrySet()) {
                StackLimitRecovery.Attempt a = StackLimitRecovery.attempt(2, ArmArchitecture.ARMV8_M_MAINLINE, e.getValue(), stopped, thread, u, m, OPTIONS);
                assertEquals(Optional.empty(), a.refusal(), e.getKey());
                assertEquals(Optional.empty(), a.result().map(StackLimitRecovery.Result::function), e.getKey());
            }
        }
    }

    /** Stack use needs the 0xAA fill: this build has none (no CONFIG_INIT_STACKS), so no thread claims a full stack. */
    @Test
    void withoutTheFillStackUseIsNotClaimed() {
        for (String name : new String[] {"m33-stack-limit", "m33-fpu-div0"}) {
            CrashLab.Scenario sc = CrashLab.scenario(name);
            ElfFile elf = ElfFile.parse(ByteView.of(sc.appElf()));
            ZephyrDump d = StoredDump.read(ByteView.of(sc.partition())).dump().orElseThrow();
            RegionMemory m = new RegionMemory();
            for (MemoryBlock mb : d.memory()) {
                m.add("dump", mb.start(), mb.data().toArray());
            }
            List<ThreadLister.ThreadEntry> threads = ThreadLister.list(elf, Unwinder.forElf(elf, DebugInfo.forElf(elf)), m,
                    d.threadsMetadata().orElse(null), OPTIONS);
            assertEquals(6, threads.size(), name);
            boolean filled = !name.equals("m33-stack-limit");
            for (ThreadLister.ThreadEntry t : threads) {
                assertEquals(filled, t.usedBytes().isPresent(), name + " " + t.name());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void blTargetDecodesACallBackwards() {
        // the recursion calls itself: a BL with a negative offset
        Map<String, Object> caller = (Map<String, Object>) (Map<?, ?>) overflow().get("caller_registers");
        CodeReader code = new CodeReader(ELF, new RegionMemory());
        long self = ELF.symbols().byName("display_layer_render").orElseThrow().address();
        assertEquals(self, StackLimitRecovery.blTarget(code, CrashLab.hex(caller.get("pc"))).getAsLong());
    }

    @Test
    void theFunctionsABlTargetTailCallsAreFoundFromDwarfAndFromTheCodeAlone() {
        // m33-stack-limit-tailcall: display_layer_scale jumps (b.w) to display_layer_render and display_layer_dim,
        // and display_layer_dim to display_layer_render
        ElfFile elf = ElfFile.parse(ByteView.of(CrashLab.scenario("m33-stack-limit-tailcall").appElf()));
        long scale = elf.symbols().functionAt(sym(elf, "display_layer_scale")).orElseThrow().address();
        Set<Long> want = Set.of(sym(elf, "display_layer_render"), sym(elf, "display_layer_dim"));
        RegionMemory none = new RegionMemory();
        Unwinder dwarf = Unwinder.forElf(elf, DebugInfo.forElf(elf));
        assertEquals(want, Set.copyOf(StackLimitRecovery.tailCalled(dwarf, new CodeReader(elf, none), scale).functions()), "DWARF call sites");
        Unwinder codeOnly = Unwinder.forElf(elf, null);
        assertEquals(want, Set.copyOf(StackLimitRecovery.tailCalled(codeOnly, new CodeReader(elf, none), scale).functions()),
                "b.w found in the code, without DWARF");
        // the m33-stack-limit render calls itself and jumps nowhere
        assertEquals(List.of(), StackLimitRecovery.tailCalled(codeOnly, new CodeReader(ELF, none), sym(ELF, "display_layer_render")).functions());
    }

    private static long sym(ElfFile elf, String name) {
        return elf.symbols().byName(name).orElseThrow().address() & ~1L;
    }
}
