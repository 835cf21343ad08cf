package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.RegionMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * k_oops/k_panic/__ASSERT stop the thread with an svc; the stacked pc is the instruction after it. With
 * {@link UnwindOptions#withRaisedBySvc} the first frame is the svc's function and line, unwound with the svc's CFI row,
 * as gdb shows it with pc set to pc-2 (truth.json "frames_at_svc").
 */
class SvcFrameTest {
    private record Setup(ElfFile elf, RegionMemory memory, RegisterSet regs, Map<String, Object> truth) {
    }

    @SuppressWarnings("unchecked")
    private static Setup setup(String name) {
        CrashLab.Scenario s = CrashLab.scenario(name);
        ElfFile elf = ElfFile.parse(ByteView.of(s.appElf()));
        ZephyrDump d = StoredDump.read(ByteView.of(s.partition())).dump().orElseThrow();
        RegionMemory memory = new RegionMemory();
        for (MemoryBlock mb : d.memory()) {
            memory.add("dump", mb.start(), mb.data().toArray());
        }
        Map<String, Object> it = (Map<String, Object>) s.truth().get("interrupted_thread");
        RegisterSet regs = RegisterSet.empty();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) it.get("registers")).entrySet()) {
            regs = regs.with(RegisterSet.number(e.getKey()), CrashLab.hex(e.getValue()));
        }
        return new Setup(elf, memory, regs.with(RegisterSet.PSP, regs.value(RegisterSet.SP)), s.truth());
    }

    private static List<String> ours(Setup s, boolean svc) {
        Backtrace bt = Unwinder.unwind(s.elf, DebugInfo.forElf(s.elf), s.memory, s.regs,
                UnwindOptions.defaults().withOutermostFunctions(java.util.Set.of("z_thread_entry")).withRaisedBySvc(svc));
        List<String> out = new ArrayList<>();
        for (Frame f : bt.reliableFrames()) {
            out.add(f.function() + " " + f.file() + ":" + f.line());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> gdb(Setup s, String key, String from) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) s.truth.get(key)) {
            if (from.equals(f.get("from")) && f.get("function") != null) {
                // truth.json keeps basenames; the lab builds every source under crashlab/fw/ (as gdb prints it)
                out.add(f.get("function") + " crashlab/fw/" + f.get("file") + ":" + f.get("line"));
            }
        }
        return out;
    }

    @Test
    void assertNamesTheNoreturnFunctionThatRaisedItNotTheNextOne() {
        Setup s = setup("nice_nano-assert");
        List<String> atSvc = ours(s, true);
        assertEquals("assert_post_action crashlab/fw/app.c:146", atSvc.get(0));
        assertEquals("zmk_keymap_layer_activate crashlab/fw/app.c:159", atSvc.get(1));
        assertEquals(gdb(s, "frames_at_svc", "psp_context_at_svc"), atSvc);

        Backtrace bt = Unwinder.unwind(s.elf, DebugInfo.forElf(s.elf), s.memory, s.regs, UnwindOptions.defaults().withRaisedBySvc(true));
        Frame first = bt.frames().get(0);
        assertEquals(s.regs.value(RegisterSet.PC) - 2, first.pc().getAsLong(), "the frame's pc is the svc's");
        assertEquals(s.regs.value(RegisterSet.PC), first.registers().value(RegisterSet.PC), "registers keep the stacked pc");
        assertTrue(first.note().startsWith("raised by the svc at"), first.note());

        // gdb's plain view (and ours without the rule) names the function after the svc
        List<String> plain = ours(s, false);
        assertEquals("zmk_keymap_layer_activate crashlab/fw/app.c:159", plain.get(0));
        assertEquals(gdb(s, "frames", "psp_context"), plain);
    }

    @Test
    void oopsInsideAFunctionGetsTheSvcsLine() {
        Setup s = setup("nice_nano-oops");
        assertEquals(gdb(s, "frames_at_svc", "psp_context_at_svc"), ours(s, true));
    }

    @Test
    void withoutAnSvcBeforePcTheRuleChangesNothing() {
        // a bus fault: the halfword before the faulting instruction is no svc, so even a wrong flag cannot move the frame
        Setup s = setup("nice_nano-busfault");
        assertEquals(ours(s, false), ours(s, true));
        assertFalse(UnwindOptions.svcRaisedReason(25));
        // 2 is raised by svc for a stack-canary failure; an MPU stack-guard fault reports 2 from MemManage, with no svc
        // before pc — xiao-stack-overflow (that case) still equals gdb in CrashLabBacktraceTest.
        assertTrue(UnwindOptions.svcRaisedReason(2));
        Setup guard = setup("xiao-stack-overflow");
        assertEquals(ours(guard, false), ours(guard, true), "the svc rule changes nothing without an svc before pc");
        assertTrue(UnwindOptions.svcRaisedReason(3));
        assertTrue(UnwindOptions.svcRaisedReason(4));
    }
}
