package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.cortexm.ArmArchitecture;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.RegionMemory;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Zephyr 4.1's stored sp, per architecture, against every thread-mode crash of the lab: the frame the analysis takes is
 * the one the core stacked (truth.json's interrupted_thread), and the interrupted sp is the real one, also on the
 * Cortex-M33 builds where Zephyr leaves out the bit-9 adjustment.
 */
class ZephyrFaultSpCrashLabTest {
    record Case(CrashLab.Scenario s, ZephyrDump dump, RegionMemory memory, Map<String, Object> interrupted) {
        @Override
        public String toString() {
            return s.name();
        }
    }

    @SuppressWarnings("unchecked")
    static Stream<Case> threadModeCrashes() {
        return CrashLab.scenarios().stream().filter(CrashLab.Scenario::hasTruth)
                .filter(s -> s.truth().get("interrupted_thread") != null)
                .map(s -> {
                    Optional<ZephyrDump> d = StoredDump.read(ByteView.of(s.partition())).dump();
                    if (d.isEmpty() || d.get().arch().isEmpty()) {
                        return null;
                    }
                    Map<String, Object> it = (Map<String, Object>) s.truth().get("interrupted_thread");
                    Map<String, Object> regs = (Map<String, Object>) it.get("registers");
                    // a fault in thread mode: the dump's registers are the interrupted thread's stacked ones
                    if (d.get().arch().get().pc() != CrashLab.hex(regs.get("pc")) && d.get().arch().get().pc() != CrashLab.hex(regs.get("pc")) + 2) {
                        return null;
                    }
                    RegionMemory m = new RegionMemory();
                    for (MemoryBlock mb : d.get().memory()) {
                        m.add("dump", mb.start(), mb.data().toArray());
                    }
                    // the stacked frame must be in the dump (not so for xiao-stack-overflow: it is in the MPU guard, outside a MIN dump)
                    return m.has(CrashLab.hex(it.get("frame_address")), 32) ? new Case(s, d.get(), m, it) : null;
                }).filter(c -> c != null);
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("threadModeCrashes")
    void theStackedFrameAndTheRealSpAreFound(Case c) {
        ElfFile elf = ElfFile.parse(ByteView.of(c.s().appElf()));
        Unwinder u = Unwinder.forElf(elf, DebugInfo.forElf(elf));
        FaultContext.Resolved r = FaultContext.forDump(c.dump(), c.memory(), u, UnwindOptions.defaults().withOutermostFunctions(Set.of("z_thread_entry")));
        long frame = CrashLab.hex(c.interrupted().get("frame_address"));
        long sp = CrashLab.hex(((Map<String, Object>) c.interrupted().get("registers")).get("sp"));
        assertTrue(r.frameAddress().isPresent(), c + ": " + r.explanation());
        assertEquals(frame, r.frameAddress().getAsLong(), r.explanation());
        assertEquals(sp, r.registers().value(RegisterSet.SP), r.explanation());
        ArchBlock a = c.dump().arch().get();
        if ("4.1".equals(c.s().meta().get("sp_semantics"))) {
            assertEquals(FaultContext.SpMeaning.PRE_EXCEPTION_SP, r.meaning(), r.explanation());
            boolean extended = ExceptionFrames.isExtended(CrashLab.hex(c.interrupted().get("exc_return")));
            assertEquals(a.sp(), ZephyrFaultSp.v41(frame, extended, a.xpsr(), ArmArchitecture.of(elf)), "z_arm_set_fault_sp");
        } else {
            assertEquals(FaultContext.SpMeaning.EXCEPTION_FRAME_ADDRESS, r.meaning(), r.explanation());
            assertEquals(frame, a.sp(), "Zephyr 3.x: sp is the frame's address");
        }
    }

    /** On the M33 builds whose frame was padded, the Armv7-M rule would not find the frame below sp: the architecture decides. */
    @SuppressWarnings("unchecked")
    @Test
    void armv8mLeavesBit9Alone() {
        for (String name : new String[] {"m33-div0", "m33-fpu-div0"}) {
            Case c = threadModeCrashes().filter(x -> x.s().name().equals(name)).findFirst().orElseThrow();
            ArchBlock a = c.dump().arch().get();
            assertTrue((a.xpsr() & (1L << 9)) != 0, name + ": the lab pads this frame");
            long frame = CrashLab.hex(c.interrupted().get("frame_address"));
            boolean extended = name.contains("fpu");
            assertEquals(a.sp(), ZephyrFaultSp.v41(frame, extended, a.xpsr(), ArmArchitecture.ARMV8_M_MAINLINE));
            assertNotEquals(a.sp(), ZephyrFaultSp.v41(frame, extended, a.xpsr(), ArmArchitecture.ARMV7E_M));
            // the real sp (gdb on the live core) is 4 bytes above the stored one: the pad Zephyr did not add back
            long real = CrashLab.hex(((Map<String, Object>) c.interrupted().get("registers")).get("sp"));
            assertEquals(a.sp() + 4, real, name + ": Zephyr 4.1 on Armv8-M stores an sp 4 bytes below the real one");
            FaultContext.Resolved v7 = FaultContext.resolve(new long[] {a.r(0), a.r(1), a.r(2), a.r(3), a.r(ArchBlock.R12), a.lr(), a.pc(), a.xpsr(), a.sp()},
                    null, false, false, c.memory(), ArmArchitecture.ARMV7E_M);
            assertNotEquals(FaultContext.SpMeaning.PRE_EXCEPTION_SP, v7.meaning(), name + " read with the Armv7-M rule: " + v7.explanation());
        }
    }
}
