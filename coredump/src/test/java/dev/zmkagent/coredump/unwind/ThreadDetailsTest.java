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
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.RegionMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Thread states by name, the crashing thread's stack use, and thread names that cannot reach a terminal raw. */
class ThreadDetailsTest {
    private record Listed(ZephyrDump dump, RegionMemory memory, List<ThreadLister.ThreadEntry> threads) {
    }

    private static Listed list(CrashLab.Scenario s, RegionMemory overlay) {
        ElfFile elf = ElfFile.parse(ByteView.of(s.appElf()));
        ZephyrDump d = StoredDump.read(ByteView.of(s.partition())).dump().orElseThrow();
        RegionMemory memory = overlay != null ? overlay : new RegionMemory();
        for (MemoryBlock mb : d.memory()) {
            memory.add("dump", mb.start(), mb.data().toArray());
        }
        Unwinder u = Unwinder.forElf(elf, DebugInfo.forElf(elf));
        List<ThreadLister.ThreadEntry> t = ThreadLister.list(elf, u, memory, d.threadsMetadata().orElse(null), UnwindOptions.defaults());
        return new Listed(d, memory, t);
    }

    static Stream<CrashLab.Scenario> withThreads() {
        return CrashLab.scenarios().stream().filter(CrashLab.Scenario::hasTruth)
                .filter(s -> s.truth().get("reason") != null)
                .filter(s -> StoredDump.read(ByteView.of(s.partition())).dump().isPresent())
                .filter(s -> !list(s, null).threads().isEmpty());
    }

    @Test
    void stateBitsHaveZephyrsNames() {
        assertEquals(List.of(), ThreadState.names(0));
        assertEquals(List.of("pending"), ThreadState.names(0x02));
        assertEquals(List.of("queued"), ThreadState.names(0x80));
        assertEquals(List.of("dummy", "prestart/sleeping", "dead", "suspended", "aborting", "suspending"), ThreadState.names(0x7D));
        assertEquals("pending, suspended (0x12)", ThreadState.text(0x12));
        assertEquals("no flags (0x00)", ThreadState.text(0));
    }

    @Test
    void threadsOfARealDumpCarryStateNames() {
        Listed l = list(CrashLab.scenario("nice_nano-fpu"), null);
        Map<String, ThreadLister.ThreadEntry> byName = new java.util.HashMap<>();
        l.threads().forEach(t -> byName.put(t.name(), t));
        assertEquals(List.of("pending"), byName.get("BT RX").stateNames());
        assertEquals(Optional.of("pending (0x02)"), byName.get("BT RX").stateText());
        assertEquals(List.of("queued"), byName.get("kscan").stateNames(), "the running thread keeps QUEUED on one CPU");
        // the lab marks a sleeping thread with 0x40, which is Zephyr's _THREAD_SUSPENDING: we name Zephyr's bits
        assertEquals(List.of("suspending"), byName.get("logging").stateNames());
    }

    /** The crashing thread's stack use is measured too, and matches the fill seen from gdb's stack_info. */
    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("withThreads")
    void everyThreadIncludingTheCrashingOneHasItsStackUse(CrashLab.Scenario s) {
        Listed l = list(s, null);
        Map<String, Object> defines = (Map<String, Object>) ((Map<String, Object>) s.meta().get("build")).get("defines");
        if (Integer.valueOf(0).equals(defines.get("LAB_INIT_STACKS"))) {
            // no 0xAA fill in this build (CONFIG_INIT_STACKS off): stack use is not known, and must not be claimed
            assertTrue(l.threads().stream().noneMatch(t -> t.usedBytes().isPresent()), s.name());
            return;
        }
        for (Map<String, Object> truth : (List<Map<String, Object>>) s.truth().get("threads")) {
            ThreadLister.ThreadEntry t = l.threads().stream().filter(x -> x.name().equals(truth.get("name"))).findFirst().orElseThrow();
            long start = CrashLab.hex(truth.get("stack_start"));
            long end = start + ((Number) truth.get("stack_size")).longValue();
            long a = start;
            while (a < end && l.memory().u8(a).isPresent() && l.memory().u8(a).getAsLong() == 0xAA) {
                a++;
            }
            if (l.memory().u8(start).isEmpty()) {
                continue; // this part of the stack was cut off by a truncated dump
            }
            assertTrue(t.usedBytes().isPresent(), s.name() + " " + t.name() + (t.current() ? " (crashing)" : ""));
            assertEquals(end - a, t.usedBytes().getAsLong(), s.name() + " " + t.name());
        }
        assertTrue(l.threads().stream().anyMatch(t -> t.current() && t.usedBytes().isPresent()), s.name());
    }

    @Test
    void aGuardBelowTheFillCountsAsUnused() {
        AddressRange object = new AddressRange(0x2000_0000L, 0x2000_0220L);
        byte[] ram = new byte[0x200];
        java.util.Arrays.fill(ram, 0, 0x80, (byte) 0xAA);
        // THREADS/MIN dump: the 32-byte guard is not dumped
        RegionMemory undumped = new RegionMemory().add("dump", 0x2000_0020L, ram);
        assertEquals(0x20 + 0x80, ThreadLister.unusedFill(undumped, object).getAsLong());
        // LINKER_RAM dump: the guard is dumped and holds no fill
        byte[] all = new byte[0x220];
        System.arraycopy(ram, 0, all, 0x20, ram.length);
        all[3] = (byte) 0xAA;
        assertEquals(0x20 + 0x80, ThreadLister.unusedFill(new RegionMemory().add("dump", 0x2000_0000L, all), object).getAsLong());
        // a few 0xAA bytes above a guard are stack data, not fill: the stack is used from its start
        byte[] full = new byte[0x220];
        java.util.Arrays.fill(full, 0x40, 0x48, (byte) 0xAA);
        assertEquals(0, ThreadLister.unusedFill(new RegionMemory().add("dump", 0x2000_0000L, full), object).getAsLong());
        // a stack whose low end is missing beyond any guard size has no figure
        RegionMemory far = new RegionMemory().add("dump", 0x2000_0400L, ram);
        assertFalse(ThreadLister.unusedFill(far, new AddressRange(0x2000_0000L, 0x2000_0600L)).isPresent());
    }

    @Test
    void controlBytesInAThreadNameAreEscaped() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-fpu");
        ThreadLister.ThreadEntry kscan = list(s, null).threads().stream().filter(t -> t.name().equals("kscan")).findFirst().orElseThrow();
        long nameAt = kscan.address() + ThreadLister.offsets(ElfFile.parse(ByteView.of(s.appElf()))).orElseThrow()
                .get(ThreadLister.T_NAME).getAsLong();
        byte[] evil = "\u001b]0;pwned\u0007\u001b[2Jk\r\u202escan\0".getBytes(StandardCharsets.UTF_8);
        RegionMemory overlay = new RegionMemory().add("patch", nameAt, evil);
        ThreadLister.ThreadEntry patched = list(s, overlay).threads().stream()
                .filter(ThreadLister.ThreadEntry::current).findFirst().orElseThrow();
        assertEquals("\\x1b]0;pwned\\x07\\x1b[2Jk\\x0d\\u{202e}scan", patched.name());
    }
}
