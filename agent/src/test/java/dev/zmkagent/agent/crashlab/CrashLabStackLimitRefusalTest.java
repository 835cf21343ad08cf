package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import dev.zmkagent.coredump.symbols.CallSite;
import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.agent.analyze.DumpInput;
import dev.zmkagent.agent.analyze.InputReader;
import dev.zmkagent.coredump.unwind.UnwindOptions;
import dev.zmkagent.device.boards.BoardCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * m33-stack-limit-indirect: a stack-limit overflow in a recursion through display_layer_scale, which reaches the
 * render through its device's API table (a tail call through a register). The saved return address follows a call to
 * display_layer_scale, whose frame would reach below the limit too, and what it jumped to no call site names: the
 * callers cannot be rebuilt. The report keeps the plain unwind and says why, naming the jump (before: the same
 * backtrace, and not a word about the stack limit).
 */
class CrashLabStackLimitRefusalTest {
    private static final CrashLab.Scenario S = CrashLab.scenario("m33-stack-limit-indirect");

    /** The return pc of display_layer_scale's tail call through a pointer, from the ELF's DWARF call sites. */
    private static long indirectJump() {
        ElfFile elf = ElfFile.parse(ByteView.of(S.appElf()));
        long scale = elf.symbols().byName("display_layer_scale").orElseThrow().address() & ~1L;
        List<CallSite> jumps = DebugInfo.forElf(elf).callSitesIn(scale).stream().filter(c -> c.tailCall() && c.target().isEmpty()).toList();
        assertEquals(1, jumps.size(), "the lab's display_layer_scale has one jump through a pointer: " + jumps);
        return jumps.get(0).framePc();
    }

    @Test
    void theReportSaysWhyTheCallersAreNotRebuilt() throws Exception {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(S);
        String reason = String.format("The callers are not rebuilt from the stack: the lowest return address on the stack that could be the"
                + " overflowing function's (0x");
        String jump = String.format("follows a call to display_layer_scale, whose frame would reach below the limit; but it jumps through a"
                + " pointer (the tail call just before 0x%08x, whose target the DWARF call sites do not name)", indirectJump());
        String diagnosis = String.join("\n", r.diagnosis());
        assertTrue(diagnosis.contains("Stack overflow stopped by the stack limit (PSPLIM, CONFIG_BUILTIN_STACK_GUARD): thread 'kscan'")
                && diagnosis.contains(reason) && diagnosis.contains(jump), diagnosis);
        assertTrue(TextReport.render(r, false).contains(jump), "text report");
        assertTrue(MarkdownReport.render(r).contains(jump), "Markdown report");
        @SuppressWarnings("unchecked")
        List<String> json = (List<String>) JSON.std.mapFrom(JsonReport.render(r)).get("diagnosis");
        assertTrue(json.stream().anyMatch(d -> d.contains(jump)), "JSON diagnosis: " + json);
        // one piece of stack-size advice, the refusal's (before: also "The stack pointer ... is within 64 bytes of the
        // bottom of thread 'kscan' ... Raise its stack size")
        assertEquals(1, r.diagnosis().stream().filter(d -> d.contains("stack size")).count(), diagnosis);
        assertTrue(r.diagnosis().stream().noneMatch(d -> d.contains("within 64 bytes of")), diagnosis);
    }

    /** A thread without a name is named as everywhere else, by its address (before: "thread ''"). */
    @Test
    void anUnnamedThreadIsNamedByItsAddress() {
        byte[] partition = S.partition();
        byte[] name = "kscan\0".getBytes(StandardCharsets.US_ASCII);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i + name.length <= partition.length; i++) {
            if (Arrays.equals(partition, i, i + name.length, name, 0, name.length)) {
                at.add(i);
            }
        }
        assertEquals(1, at.size(), "the dump holds the kscan thread's name once (its k_thread's name[])");
        partition[at.get(0)] = 0; // the thread's name is empty (as with CONFIG_THREAD_NAME's name unset)
        DumpInput in = new InputReader(BoardCatalog.builtin()).read("partition.bin", partition, OptionalLong.empty());
        CrashReport r = new Analyzer(BoardCatalog.builtin()).analyze(in, Optional.of(ElfFile.parse(ByteView.of(S.appElf()))), Optional.empty());
        CrashReport.ThreadInfo current = r.threads().stream().filter(CrashReport.ThreadInfo::current).findFirst().orElseThrow();
        assertEquals("", current.name(), "the patch emptied the crashing thread's name");
        String diagnosis = String.join("\n", r.diagnosis());
        assertTrue(diagnosis.contains(String.format("Stack overflow stopped by the stack limit (PSPLIM, CONFIG_BUILTIN_STACK_GUARD): thread 0x%08x"
                + " overflowed its stack", current.address())), diagnosis);
        assertFalse(diagnosis.contains("''"), diagnosis);
    }

    @SuppressWarnings("unchecked")
    @Test
    void thePlainUnwindClaimsNothingBeyondTheStack() {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(S);
        Map<String, Object> overflow = (Map<String, Object>) S.truth().get("stack_overflow");
        assertEquals("display_layer_render", ((List<Map<String, Object>>) overflow.get("frames")).get(0).get("function"),
                "the lab's overflow is in the render");
        Set<String> onPath = new HashSet<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) overflow.get("frames")) {
            onPath.add(f.get("function") + " " + f.get("pc"));
        }
        List<CrashReport.Frame> frames = r.frames().stream().filter(f -> !"exception".equals(f.kind())).toList();
        assertEquals(0L, frames.get(0).pc().orElseThrow(), "frame 0: the dump's registers (pc 0)");
        assertTrue(frames.get(0).nullCall().isEmpty(), "pc 0 here is the untouched stack bottom, not a jump to 0: " + frames.get(0));
        for (CrashReport.Frame f : frames.subList(1, frames.size())) {
            assertEquals("guess", f.kind(), "nothing is recovered: " + f);
            assertTrue(onPath.contains(f.function() + " " + String.format("0x%08x", f.pc().orElseThrow())), "a guess off the real call path: " + f);
        }
        // the scan finds the callers' saved return addresses, innermost first, up to its limit: every caller gdb saw
        // above the overflowing frame (the truth's frames after frame 0 that have a function) or as many as it takes
        List<String> callers = new ArrayList<>();
        for (Map<String, Object> f : ((List<Map<String, Object>>) overflow.get("frames")).subList(1, ((List<?>) overflow.get("frames")).size())) {
            if (f.get("function") != null) {
                callers.add(f.get("function") + " " + f.get("pc"));
            }
        }
        int guesses = Math.min(callers.size(), UnwindOptions.defaults().maxGuesses());
        assertTrue(guesses > 0, "the truth has callers on the stack");
        assertEquals(callers.subList(0, guesses), frames.subList(1, frames.size()).stream()
                .map(f -> f.function() + " " + String.format("0x%08x", f.pc().orElseThrow())).toList(), "the guesses");
        assertTrue(frames.stream().noneMatch(f -> "display_layer_scale".equals(f.function())), "the function that jumped is no frame");
    }
}
