package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.symbols.CallSite;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The functions a callee was reached through by tail calls, from DWARF call-site information, as gdb finds its
 * tail-call frames.
 *
 * <p>The caller's call site at the return address names the function it called, g. When g is not the callee f we
 * unwound from, g (and maybe more functions) jumped on instead of calling: every chain of tail-call sites that leads
 * from g to f's entry is a candidate. One chain gives all its functions. Several chains give only what they agree on:
 * the sites common to all of them next to the caller, and those common next to the callee, nothing in between (gdb's
 * rule: it shows no frame it cannot be sure of). Chains revisiting a function are not followed; the search is bounded
 * in depth and in the number of chains, and gives nothing when a bound is hit ({@link Result#limit} says which, so
 * the report can say why no frame is shown).
 *
 * <p>A tail-call site whose target is not known (a jump through a register: DW_AT_call_tail_call without a callee)
 * met on the search makes the answer unknown: it may lead to the callee by a path no call site names, so no count
 * of the named paths is proof (gdb gives up there too). Jumps with no call-site information at all (assembly) cannot
 * be seen: "one path" means one path that the DWARF call sites name.
 */
final class TailCallChain {
    static final int MAX_DEPTH = 16;
    static final int MAX_CHAINS = 64;

    private TailCallChain() {
    }

    /**
     * What the search found from {@code first} (the function the caller's call reached) to {@code calleeEntry}.
     * {@code sites}: the tail-call sites known for sure, innermost first; {@code chains}: how many tail-call paths
     * lead there (0: none, or a bound was hit; more than 1: the path is ambiguous and {@code sites} holds only what
     * all of them share); {@code indirect}: the tail-call site with an unknown target that the search met, which makes
     * the answer unknown (no sites, 0 chains); {@code limit}: the bound the search stopped at ("16 tail calls in a
     * row", "64 paths"), which makes the answer unknown too (no sites, 0 chains).
     */
    record Result(List<CallSite> sites, int chains, Optional<CallSite> indirect, Optional<String> limit) {
        Result(List<CallSite> sites, int chains) {
            this(sites, chains, Optional.empty(), Optional.empty());
        }

        boolean ambiguous() {
            return chains > 1;
        }

        /** The search met a tail call through a pointer ({@code indirect}): nothing is known, whatever else was found. */
        static Result unknownThrough(CallSite indirect) {
            return new Result(List.of(), 0, Optional.of(indirect), Optional.empty());
        }

        /** The search stopped at one of its bounds ({@code limit} says which): nothing is known. */
        static Result stoppedAt(String limit) {
            return new Result(List.of(), 0, Optional.empty(), Optional.of(limit));
        }
    }

    /** The tail-call chain from the function entered at {@code first} to the callee entered at {@code calleeEntry}. */
    static Result from(Symbolizer symbolizer, long first, long calleeEntry) {
        if (first == calleeEntry) {
            return new Result(List.of(), 0);
        }
        List<List<CallSite>> chains = new ArrayList<>();
        Set<Long> onPath = new HashSet<>();
        onPath.add(first);
        List<CallSite> indirect = new ArrayList<>(1);
        if (!search(symbolizer, first, calleeEntry, new ArrayList<>(), onPath, chains, indirect)) {
            if (!indirect.isEmpty()) {
                return Result.unknownThrough(indirect.get(0));
            }
            return Result.stoppedAt(chains.size() > MAX_CHAINS ? "more than " + MAX_CHAINS + " paths"
                    : MAX_DEPTH + " tail calls in a row");
        }
        if (chains.isEmpty()) {
            return new Result(List.of(), 0);
        }
        // Chains run from the caller's side; keep the common prefix and the common suffix.
        List<CallSite> ref = chains.get(0);
        int prefix = ref.size();
        int suffix = ref.size();
        for (List<CallSite> c : chains) {
            prefix = Math.min(prefix, commonPrefix(ref, c));
            suffix = Math.min(suffix, commonSuffix(ref, c));
        }
        suffix = Math.min(suffix, ref.size() - prefix);
        List<CallSite> known = new ArrayList<>();
        boolean unique = chains.stream().allMatch(c -> c.equals(ref));
        if (unique) {
            known.addAll(ref);
        } else {
            known.addAll(ref.subList(0, prefix));
            known.addAll(ref.subList(ref.size() - suffix, ref.size()));
        }
        Collections.reverse(known);
        return new Result(known, unique ? 1 : chains.size());
    }

    /**
     * Depth-first over tail-call sites; false when a bound was hit or a tail call with an unknown target was met (it
     * goes into {@code indirect}); then the answer is unknown.
     */
    private static boolean search(Symbolizer symbolizer, long function, long calleeEntry, List<CallSite> path, Set<Long> onPath,
            List<List<CallSite>> chains, List<CallSite> indirect) {
        if (path.size() >= MAX_DEPTH) {
            return false;
        }
        for (CallSite s : symbolizer.callSitesIn(function)) {
            if (!s.tailCall()) {
                continue;
            }
            if (s.target().isEmpty()) {
                indirect.add(s);
                return false;
            }
            long next = s.target().getAsLong();
            path.add(s);
            boolean ok = true;
            if (next == calleeEntry) {
                chains.add(List.copyOf(path));
                ok = chains.size() <= MAX_CHAINS;
            } else if (onPath.add(next)) {
                ok = search(symbolizer, next, calleeEntry, path, onPath, chains, indirect);
                onPath.remove(next);
            }
            path.remove(path.size() - 1);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int commonPrefix(List<CallSite> a, List<CallSite> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) {
            n++;
        }
        return n;
    }

    private static int commonSuffix(List<CallSite> a, List<CallSite> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && a.get(a.size() - 1 - n).equals(b.get(b.size() - 1 - n))) {
            n++;
        }
        return n;
    }
}
