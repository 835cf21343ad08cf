package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.unwind.cfi.Fde;
import dev.zmkagent.coredump.unwind.cfi.FdeIndex;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Damaged call-frame information and DWARF are not silent: {@link Unwinder#warnings} says what was wrong. */
class UnwinderWarningsTest {
    private static final CrashLab.Scenario S = CrashLab.scenario("nice_nano-busfault");

    @SuppressWarnings("unchecked")
    private static Unwinder unwound(byte[] elfBytes) {
        ElfFile elf = ElfFile.parse(ByteView.of(elfBytes));
        ZephyrDump d = StoredDump.read(ByteView.of(S.partition())).dump().orElseThrow();
        RegionMemory memory = new RegionMemory();
        for (MemoryBlock mb : d.memory()) {
            memory.add("dump", mb.start(), mb.data().toArray());
        }
        Map<String, Object> it = (Map<String, Object>) S.truth().get("interrupted_thread");
        RegisterSet regs = RegisterSet.empty();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) it.get("registers")).entrySet()) {
            regs = regs.with(RegisterSet.number(e.getKey()), CrashLab.hex(e.getValue()));
        }
        Unwinder u = Unwinder.forElf(elf, DebugInfo.forElf(elf));
        u.unwind(memory, regs, UnwindOptions.defaults());
        return u;
    }

    @SuppressWarnings("unchecked")
    private static long callerReturnAddress() {
        Map<String, Object> it = (Map<String, Object>) S.truth().get("interrupted_thread");
        List<Map<String, Object>> frames = (List<Map<String, Object>>) it.get("frames");
        return frames.stream().filter(f -> !Boolean.TRUE.equals(f.get("inlined"))).skip(1).findFirst()
                .map(f -> CrashLab.hex(f.get("pc"))).orElseThrow();
    }

    @Test
    void aPristineElfGivesNoWarnings() {
        assertEquals(List.of(), unwound(S.appElf()).warnings());
    }

    @Test
    void anUnreadableDebugFrameSectionIsReported() {
        byte[] b = S.appElf();
        ElfSection frame = ElfFile.parse(ByteView.of(b)).section(".debug_frame").orElseThrow();
        Arrays.fill(b, (int) frame.fileOffset(), (int) frame.fileOffset() + 4, (byte) 0x7F); // first CIE length: far past the end
        List<String> w = unwound(b).warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("call-frame information unreadable (.debug_frame"), w.toString());
    }

    @Test
    void malformedCfiOfTheCrashingFunctionIsReported() {
        byte[] b = S.appElf();
        // the crashing function is a leaf with no CFA instructions; damage its caller's (looked up inside the call)
        long pc = callerReturnAddress() - 1;
        Fde fde = FdeIndex.build(ElfFile.parse(ByteView.of(b))).find(pc).orElseThrow();
        assertTrue(fde.instructions().length() > 0);
        Arrays.fill(b, (int) fde.instructions().origin(), (int) (fde.instructions().origin() + fde.instructions().length()), (byte) 0x3C);
        Unwinder u = unwound(b);
        List<String> w = u.warnings();
        assertEquals(1, w.size(), w.toString() + "\n" + fde);
        assertTrue(w.get(0).contains(String.format("function at 0x%08x", fde.start())) && w.get(0).contains("unknown CFA instruction 0x3c"), w.toString());
    }

    @Test
    void corruptDwarfIsReportedOnceWithACountOfAddresses() {
        byte[] b = S.appElf();
        ElfSection abbrev = ElfFile.parse(ByteView.of(b)).section(".debug_abbrev").orElseThrow();
        Arrays.fill(b, (int) abbrev.fileOffset(), (int) (abbrev.fileOffset() + abbrev.size()), (byte) 0xFF);
        List<String> w = unwound(b).warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("DWARF unreadable for 0x"), w.toString());
        assertTrue(w.get(0).matches(".*\\(and \\d+ more like it\\)$"), w.toString());
    }
}
