package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.symbols.CallSite;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gdb's tail-call frames: the QEMU captures unwound with the DWARF symbolizer and compared with every frame gdb
 * printed (inline and tail-call frames included: kind, pc, function, file:line), and the chain search's rules on
 * made-up call graphs.
 */
class TailCallTest {
    static Stream<String> fixtures() {
        return GdbFixture.names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyFrameGdbPrintsIncludingTailCalls(String name) {
        GdbFixture fx = new GdbFixture(name);
        UnwindOptions options = fx.unwindOptions();
        Backtrace bt = Unwinder.unwind(fx.elf, DebugInfo.of(fx.elf), fx.memory, fx.registers, options);
        List<String> gdb = new ArrayList<>();
        for (GdbFixture.GdbFrame g : fx.frames) {
            String kind = switch (g.kind()) {
                case "SIGTRAMP" -> "EXCEPTION";
                case "INLINE" -> "INLINED";
                default -> g.kind();
            };
            gdb.add(kind.equals("EXCEPTION") ? kind : String.format("%s 0x%08x %s", kind, g.pc(), g.location()));
            if (!fx.preFrames.isEmpty() && g.kind().equals("SIGTRAMP")) {
                break; // QEMU gives gdb no psp: its frames after this boundary are garbage
            }
        }
        List<String> ours = new ArrayList<>();
        for (Frame f : bt.reliableFrames().subList(0, Math.min(gdb.size(), bt.reliableFrames().size()))) {
            ours.add(f.kind() == FrameKind.EXCEPTION ? "EXCEPTION"
                    : String.format("%s 0x%08x %s", f.inlined() ? "INLINED" : f.kind(), f.pc().getAsLong(), f.location()));
        }
        assertEquals(String.join("\n", gdb), String.join("\n", ours), bt.toString());
    }

    @Test
    void theO2CapturesReallyHaveATwoLevelTailCallChain() {
        GdbFixture fx = new GdbFixture("O2-s0");
        Backtrace bt = Unwinder.unwind(fx.elf, DebugInfo.of(fx.elf), fx.memory, fx.registers, UnwindOptions.defaults());
        assertEquals(FrameKind.TAILCALL, bt.frames().get(1).kind(), bt.toString());
        assertEquals("leaf_chain_c", bt.frames().get(1).function());
        assertEquals(FrameKind.TAILCALL, bt.frames().get(2).kind(), bt.toString());
        assertEquals("leaf_chain_b", bt.frames().get(2).function());
        assertEquals(List.of("stop_here", "leaf_chain_c", "leaf_chain_b", "leaf_chain_a", "main"), CrashSignature.frames(
                new Backtrace(bt.frames(), bt.stopReason())).subList(0, 5), "tail-call frames count in a signature");
    }

    /**
     * The O2 capture (leaf_chain_a calls leaf_chain_b, which jumps to leaf_chain_c, which jumps to stop_here) with
     * made-up tail-call sites added to leaf_chain_b's: the search stops at a bound, no tail-call frame is shown,
     * and the backtrace's notes say which bound was hit (before, the frames vanished without a word).
     */
    @Test
    void aSearchStoppedAtItsDepthLimitSaysSo() {
        GdbFixture fx = new GdbFixture("O2-s0");
        DebugInfo dwarf = DebugInfo.of(fx.elf);
        long b = fx.elf.symbols().byName("leaf_chain_b").orElseThrow().address() & ~1L;
        // b also jumps into a chain of MAX_DEPTH + 1 made-up functions (outside the code), each jumping to the next
        Map<Long, List<CallSite>> extra = new HashMap<>();
        long fake = 0x0F00_0000L;
        extra.put(b, List.of(tail(b, 0x40, fake)));
        for (int i = 0; i <= TailCallChain.MAX_DEPTH; i++) {
            extra.put(fake + i * 0x100L, List.of(tail(fake + i * 0x100L, 0x10, fake + (i + 1) * 0x100L)));
        }
        Backtrace bt = Unwinder.unwind(fx.elf, withSites(dwarf, extra), fx.memory, fx.registers, UnwindOptions.defaults());
        assertTrue(bt.frames().stream().noneMatch(f -> f.kind() == FrameKind.TAILCALL), bt.toString());
        String notes = String.join("\n", bt.notes());
        assertTrue(notes.contains("stop_here was reached from leaf_chain_a through tail calls") && notes.contains("from leaf_chain_b")
                && notes.contains("stopped at its limit (" + TailCallChain.MAX_DEPTH + " tail calls in a row)")
                && notes.contains("no tail-call frame is shown between stop_here and leaf_chain_a"), notes);
        // the same capture without the made-up sites: the two frames, and no such note
        Backtrace plain = Unwinder.unwind(fx.elf, dwarf, fx.memory, fx.registers, UnwindOptions.defaults());
        assertEquals(FrameKind.TAILCALL, plain.frames().get(2).kind(), plain.toString());
        assertTrue(plain.notes().stream().noneMatch(n -> n.contains("stopped at its limit")), plain.notes().toString());
    }

    @Test
    void aSearchStoppedAtItsPathLimitSaysSo() {
        GdbFixture fx = new GdbFixture("O2-s0");
        DebugInfo dwarf = DebugInfo.of(fx.elf);
        long b = fx.elf.symbols().byName("leaf_chain_b").orElseThrow().address() & ~1L;
        long c = fx.elf.symbols().byName("leaf_chain_c").orElseThrow().address() & ~1L;
        // b jumps to MAX_CHAINS made-up functions besides c, each of which jumps to c: more paths than the search counts
        Map<Long, List<CallSite>> extra = new HashMap<>();
        List<CallSite> fromB = new ArrayList<>();
        for (int i = 0; i < TailCallChain.MAX_CHAINS; i++) {
            long f = 0x0F00_0000L + i * 0x100L;
            fromB.add(tail(b, 0x40 + 4 * i, f));
            extra.put(f, List.of(tail(f, 0x10, c)));
        }
        extra.put(b, fromB);
        Backtrace bt = Unwinder.unwind(fx.elf, withSites(dwarf, extra), fx.memory, fx.registers, UnwindOptions.defaults());
        assertTrue(bt.frames().stream().noneMatch(f -> f.kind() == FrameKind.TAILCALL), bt.toString());
        String notes = String.join("\n", bt.notes());
        assertTrue(notes.contains("stopped at its limit (more than " + TailCallChain.MAX_CHAINS + " paths)"), notes);
    }

    private static CallSite tail(long function, long offset, long target) {
        return new CallSite(function, OptionalLong.of(function + offset), OptionalLong.empty(), OptionalLong.of(target), null, true);
    }

    /** {@code dwarf} with {@code extra} tail-call sites added to the functions they name (before their own). */
    private static Symbolizer withSites(DebugInfo dwarf, Map<Long, List<CallSite>> extra) {
        return new Symbolizer() {
            @Override
            public List<SourceFrame> frames(long pc) {
                return dwarf.frames(pc);
            }

            @Override
            public OptionalLong functionEntry(long pc) {
                return dwarf.functionEntry(pc);
            }

            @Override
            public Optional<CallSite> callSiteAt(long returnPc) {
                return dwarf.callSiteAt(returnPc);
            }

            @Override
            public List<CallSite> callSitesIn(long entryPc) {
                List<CallSite> out = new ArrayList<>(extra.getOrDefault(entryPc, List.of()));
                out.addAll(dwarf.callSitesIn(entryPc));
                return out;
            }
        };
    }

    // ---------------------------------------------------------------- the chain search on made-up call graphs

    /** Functions are numbered; function n is entered at n * 0x100. */
    private static final class Graph implements Symbolizer {
        final Map<Long, CallSite> byReturn = new HashMap<>();
        final Map<Long, List<CallSite>> byFunction = new HashMap<>();
        private int next = 0x10;

        Graph call(int from, int to, boolean tail) {
            long f = from * 0x100L;
            long ret = f + next;
            next += 4;
            CallSite s = new CallSite(f, OptionalLong.of(ret), OptionalLong.empty(), OptionalLong.of(to * 0x100L), "f" + to, tail);
            byReturn.put(ret, s);
            byFunction.computeIfAbsent(f, k -> new ArrayList<>()).add(s);
            return this;
        }

        /** A tail call from {@code from} through a register: DW_AT_call_tail_call, no target. */
        Graph indirectTailCall(int from) {
            long f = from * 0x100L;
            long ret = f + next;
            next += 4;
            CallSite s = new CallSite(f, OptionalLong.of(ret), OptionalLong.empty(), OptionalLong.empty(), null, true);
            byReturn.put(ret, s);
            byFunction.computeIfAbsent(f, k -> new ArrayList<>()).add(s);
            return this;
        }

        long returnOf(int from, int to) {
            return byReturn.values().stream().filter(s -> s.function() == from * 0x100L && s.target().getAsLong() == to * 0x100L)
                    .findFirst().orElseThrow().returnPc().getAsLong();
        }

        @Override
        public List<SourceFrame> frames(long pc) {
            return List.of();
        }

        @Override
        public Optional<CallSite> callSiteAt(long returnPc) {
            return Optional.ofNullable(byReturn.get(returnPc));
        }

        @Override
        public List<CallSite> callSitesIn(long entryPc) {
            return byFunction.getOrDefault(entryPc, List.of());
        }
    }

    /**
     * The tail-call sites between a callee entered at {@code calleeEntry} and the caller whose call returns to
     * {@code returnAddress}, as the unwinder asks for them: the search starts at the function the caller's call site
     * names.
     */
    private static List<CallSite> between(Graph g, long returnAddress, long calleeEntry) {
        Optional<CallSite> call = g.callSiteAt(returnAddress);
        return call.isEmpty() || call.get().target().isEmpty() ? List.of() : TailCallChain.from(g, call.get().target().getAsLong(), calleeEntry).sites();
    }

    private static List<Long> functions(List<CallSite> chain) {
        return chain.stream().map(s -> s.function() / 0x100).toList();
    }

    @Test
    void aDirectCallHasNoTailCallFrames() {
        Graph g = new Graph().call(1, 2, false);
        assertTrue(between(g, g.returnOf(1, 2), 0x200).isEmpty());
    }

    @Test
    void aUniqueChainGivesEveryFunctionInnermostFirst() {
        Graph g = new Graph().call(1, 2, false).call(2, 3, true).call(3, 4, true).call(2, 5, false);
        assertEquals(List.of(3L, 2L), functions(between(g, g.returnOf(1, 2), 0x400)));
    }

    @Test
    void onlyTailCallSitesAreFollowed() {
        Graph g = new Graph().call(1, 2, false).call(2, 3, false);
        assertTrue(between(g, g.returnOf(1, 2), 0x300).isEmpty());
    }

    @Test
    void ambiguousChainsKeepWhatAllAgreeOn() {
        // 1 calls 2; 2 jumps to 3 or 4 (two sites); both jump to 5, which jumps to 6 (the callee). Only 5's jump is
        // certain: 2 was surely passed, but from which of its jumps (so at which pc and line) is not known.
        Graph g = new Graph().call(1, 2, false).call(2, 3, true).call(2, 4, true).call(3, 5, true).call(4, 5, true).call(5, 6, true);
        assertEquals(List.of(5L), functions(between(g, g.returnOf(1, 2), 0x600)));
        // 1 calls 2, which has one jump, to 3; 3 jumps to 4 or 5, and both jump to 6: the caller's side is certain.
        Graph h = new Graph().call(1, 2, false).call(2, 3, true).call(3, 4, true).call(3, 5, true).call(4, 6, true).call(5, 6, true);
        assertEquals(List.of(2L), functions(between(h, h.returnOf(1, 2), 0x600)));
    }

    @Test
    void theSearchSaysHowManyPathsItFound() {
        // 2 jumps to 3 or 4, both jump to 5: two paths, nothing they share, nothing known
        Graph g = new Graph().call(2, 3, true).call(2, 4, true).call(3, 5, true).call(4, 5, true);
        TailCallChain.Result two = TailCallChain.from(g, 0x200, 0x500);
        assertEquals(2, two.chains());
        assertTrue(two.ambiguous());
        assertTrue(two.sites().isEmpty());
        TailCallChain.Result one = TailCallChain.from(g, 0x300, 0x500);
        assertEquals(1, one.chains());
        assertEquals(List.of(3L), functions(one.sites()));
        assertEquals(0, TailCallChain.from(g, 0x500, 0x500).chains(), "the callee itself: no tail call");
        assertEquals(0, TailCallChain.from(g, 0x300, 0x400).chains(), "no path");
    }

    @Test
    void aTailCallThroughAPointerOnTheWayMakesTheAnswerUnknown() {
        // 2 jumps directly to 3 or through a pointer (anywhere, 4 too); 3 jumps to 5, the callee. The one path the
        // call sites name (2 -> 3 -> 5) is not proof: the pointer may have led to 4, which jumps to 5 as well.
        Graph g = new Graph().call(1, 2, false).call(2, 3, true).indirectTailCall(2).call(3, 5, true).call(4, 5, true);
        TailCallChain.Result r = TailCallChain.from(g, 0x200, 0x500);
        assertTrue(r.sites().isEmpty(), "no frame: " + r);
        assertEquals(0, r.chains());
        assertEquals(0x200L, r.indirect().orElseThrow().function(), "the jump that made it unknown");
        assertTrue(between(g, g.returnOf(1, 2), 0x500).isEmpty());
        // deeper on the search too: 2 -> 3 (direct), 3 jumps to 5 or through a pointer
        Graph h = new Graph().call(2, 3, true).call(3, 5, true).indirectTailCall(3);
        assertEquals(0x300L, TailCallChain.from(h, 0x200, 0x500).indirect().orElseThrow().function());
        // an indirect tail call off the search (in a function no path passes) changes nothing
        Graph k = new Graph().call(2, 3, true).call(3, 5, true).indirectTailCall(4);
        assertEquals(List.of(3L, 2L), functions(TailCallChain.from(k, 0x200, 0x500).sites()));
        assertTrue(TailCallChain.from(k, 0x200, 0x500).indirect().isEmpty());
    }

    @Test
    void cyclesAreNotFollowedAndAnUnreachableCalleeGivesNothing() {
        Graph g = new Graph().call(1, 2, false).call(2, 3, true).call(3, 2, true).call(3, 4, true);
        assertEquals(List.of(3L, 2L), functions(between(g, g.returnOf(1, 2), 0x400)));
        assertTrue(between(g, g.returnOf(1, 2), 0x700).isEmpty());
    }

    @Test
    void aChainDeeperThanTheLimitIsNotGuessed() {
        Graph g = new Graph().call(1, 2, false);
        for (int i = 2; i < 2 + TailCallChain.MAX_DEPTH + 1; i++) {
            g.call(i, i + 1, true);
        }
        assertTrue(between(g, g.returnOf(1, 2), (3L + TailCallChain.MAX_DEPTH) * 0x100).isEmpty());
    }
}
