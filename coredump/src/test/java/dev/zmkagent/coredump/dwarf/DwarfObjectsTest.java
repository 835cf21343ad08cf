package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.unwind.ThreadLister;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Struct layouts and typed globals from DWARF, against the lab's firmware (gdb's truth and its compiled tables). */
class DwarfObjectsTest {
    private static ElfFile elf(String scenario) {
        return ElfFile.parse(ByteView.of(CrashLab.scenario(scenario).appElf()));
    }

    @Test
    void onTheDefaultBuildTheDwarfLayoutGivesTheOffsetsOfTheCompiledThreadInfoTable() {
        ElfFile elf = elf("nice_nano-busfault");
        ThreadLister.Offsets table = ThreadLister.offsets(elf).orElseThrow();
        DwarfObjects.Layout thread = DwarfObjects.of(elf).layout("k_thread").orElseThrow();
        DwarfObjects.Layout kernel = DwarfObjects.of(elf).layout("z_kernel").orElseThrow();
        assertEquals(table.get(ThreadLister.K_CURR_THREAD), kernel.offset("cpus[0].current"));
        assertEquals(table.get(ThreadLister.K_THREADS), kernel.offset("threads"));
        assertEquals(table.get(ThreadLister.T_NEXT_THREAD), thread.offset("next_thread"));
        assertEquals(table.get(ThreadLister.T_NAME), thread.offset("name"));
        assertEquals(table.get(ThreadLister.T_STACK_PTR), thread.offset("callee_saved.psp"));
        assertEquals(table.get(ThreadLister.T_STATE), thread.offset("base.thread_state"));
        assertEquals(table.get(ThreadLister.T_ARCH), thread.offset("arch"));
        assertEquals(table.get(ThreadLister.T_ARM_EXC_RETURN).getAsLong(),
                thread.offset("arch.mode_exc_return").getAsLong() - thread.offset("arch").getAsLong());
    }

    @SuppressWarnings("unchecked")
    @Test
    void withoutAThreadListEveryThreadObjectIsFoundByTypeWithTheNameGdbGivesIt() {
        CrashLab.Scenario s = CrashLab.scenario("xiao-idle-swi-busfault");
        ElfFile elf = ElfFile.parse(ByteView.of(s.appElf()));
        DwarfObjects dwarf = DwarfObjects.of(elf);
        Map<String, Long> found = dwarf.instancesOf("k_thread").stream()
                .collect(Collectors.toMap(DwarfObjects.Instance::expression, DwarfObjects.Instance::address));
        List<Map<String, Object>> truth = (List<Map<String, Object>>) s.truth().get("threads");
        assertFalse(truth.isEmpty());
        for (Map<String, Object> t : truth) {
            String object = (String) t.get("object");
            assertEquals(CrashLab.hex(t.get("address")), found.get(object), object + " in " + found.keySet());
        }
        // the kernel's dummy thread is an object of the type too (ThreadLister leaves it out by its state)
        assertEquals(elf.symbols().byName("_thread_dummy").orElseThrow().address(), found.get("_thread_dummy"));
        assertEquals(truth.size() + 1, found.size(), found.keySet().toString());

        DwarfObjects.Layout thread = dwarf.layout("k_thread").orElseThrow();
        assertFalse(thread.has("next_thread"), "no CONFIG_THREAD_MONITOR");
        assertFalse(thread.has("name"), "no CONFIG_THREAD_NAME");
        assertTrue(thread.has("stack_info.start") && thread.has("stack_info.size"), "CONFIG_THREAD_STACK_INFO");
        // members of anonymous unions and structs are reached as C reaches them
        assertTrue(thread.has("base.prio") && thread.has("arch.mode_exc_return"), thread.members().keySet().toString());
        assertEquals(1, thread.size("base.prio").getAsLong());
        assertFalse(dwarf.layout("z_kernel").orElseThrow().has("threads"));
        assertTrue(ThreadLister.offsets(elf).isEmpty(), "no thread-info table in this build");
    }
}
