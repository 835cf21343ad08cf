package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.report.CrashReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11: every argument and local value of every frame, as zmk-agent prints it from the dump, equals gdb's live
 * {@code bt} / {@code bt full} at the fault (whitespace normalised), for every crash-lab scenario (every fixture
 * folder, so scenarios added later are covered): the crashing context with its inlined, interrupt and interrupted
 * frames, and every switched-out thread. Where they differ, the difference must be one of the rules below, each of
 * which zmk-agent explains in {@code unavailable_reason}:
 * <ul>
 *   <li>{@link Rule#MEMORY_NOT_IN_DUMP}: gdb read live memory that the dump does not hold; we print gdb's own words
 *       for unreadable memory and say where the dump ends (the truncation cut and the Kconfig fix, or the dump mode);
 *       the address must really be outside every range the dump holds.</li>
 *   <li>{@link Rule#CALLEE_SAVED_NOT_COLLECTED}: the value is in r4-r11, which a dump without
 *       CONFIG_EXTRA_EXCEPTION_INFO lacks (gdb read the live CPU); only when the dump's arch block says r4-r11 are
 *       not collected.</li>
 *   <li>{@link Rule#CALLER_SAVED_IN_OUTER_FRAME}: gdb shows a value for r0-r3/r12 in a caller frame by assuming the
 *       register kept its value across the call ("same value"), which the ABI does not promise; we say it is not
 *       known. Only in frames that are not the first of their context.</li>
 *   <li>{@link Rule#FLOAT_REGISTER_NOT_IN_DUMP}: the value is in an FPU register (s0-s31, d0-d15), which no Zephyr
 *       dump holds; gdb read the live CPU.</li>
 *   <li>{@link Rule#FRAME_CFA_UNKNOWN}: the crash's last frame, where the backtrace stopped early (an alloca/VLA function
 *       whose frame pointer r7 the dump lacks): a location relative to its CFA, or an entry value from its caller's call
 *       site, cannot be had; we say so.</li>
 *   <li>{@link Rule#VARIABLE_LENGTH_ARRAY}: a variable-length array, whose length DWARF gives as another variable's
 *       run-time value: we say that it is not evaluated instead of printing elements.</li>
 *   <li>{@link Rule#FRAME_PC_UNKNOWN}: the frame was rebuilt from the stack without its pc (an Armv8-M stack-limit
 *       fault, where the core saved none): without the pc no location can be looked up, so it has no values.</li>
 *   <li>{@link Rule#ENTRY_VALUE_NEEDS_MISSING_REGISTER}: gdb's {@code name@entry=} comes from the caller's call-site
 *       value, which needs a caller register we do not have for one of the reasons above; the value itself matches.</li>
 * </ul>
 */
class CrashLabValuesTest {
    enum Rule { MEMORY_NOT_IN_DUMP, CALLEE_SAVED_NOT_COLLECTED, CALLER_SAVED_IN_OUTER_FRAME, FLOAT_REGISTER_NOT_IN_DUMP, FRAME_PC_UNKNOWN,
        ENTRY_VALUE_NEEDS_MISSING_REGISTER, FRAME_CFA_UNKNOWN, VARIABLE_LENGTH_ARRAY }

    static Stream<CrashLab.Scenario> crashes() {
        return CrashLabBacktraceTest.crashes().filter(s -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> dump = (Map<String, Object>) s.meta().get("dump");
            return !"erased".equals(dump.get("header")) || Boolean.TRUE.equals(dump.get("data_present"));
        });
    }

    /** gdb's value text with runs of whitespace made one space. */
    static String norm(String s) {
        return s.trim().replaceAll("\\s+", " ");
    }

    /** Splits gdb's argument list at top-level ", " (outside quotes and brackets), as crashlab/gdb_truth.py does. */
    static List<String> splitTop(String text) {
        List<String> items = new ArrayList<>();
        StringBuilder depth = new StringBuilder();
        char quote = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if ("({[<".indexOf(c) >= 0) {
                depth.append(")}]>".charAt("({[<".indexOf(c)));
            } else if (depth.length() > 0 && c == depth.charAt(depth.length() - 1)) {
                depth.setLength(depth.length() - 1);
            } else if (depth.length() == 0 && text.startsWith(", ", i)) {
                items.add(text.substring(start, i));
                start = i + 2;
                i++;
            }
        }
        if (start < text.length()) {
            items.add(text.substring(start));
        }
        return items;
    }

    /** What one scenario's comparison found: values equal, and differences with the rule that explains each. */
    static final class Tally {
        int equal;
        final Map<Rule, Integer> explained = new HashMap<>();
        final List<String> unexplained = new ArrayList<>();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crashes")
    @SuppressWarnings("unchecked")
    void everyArgumentAndLocalEqualsGdbOrSaysWhyNot(CrashLab.Scenario s) {
        CrashReport r = CrashLabBacktraceTest.analyzeCurrentUf2(s);
        Map<String, Object> truth = s.truth();
        Tally tally = new Tally();
        List<Map<String, Object>> gdbFrames = framesAfterBoundary(GdbTruth.groundTruthFrames(truth));
        List<CrashReport.Frame> ours = ourFrames(r.frames());
        if (!s.name().equals("m33-stack-limit-indirect")) {
            // there the callers of the overflow cannot be rebuilt: the crash context is pc 0 and guesses, which carry no
            // values (CrashLabStackLimitRefusalTest); the switched-out threads are compared below
            compareContext(s.name() + " crash", gdbFrames, ours, r, false, tally);
        }
        for (Map<String, Object> th : (List<Map<String, Object>>) truth.get("threads")) {
            if (Boolean.TRUE.equals(th.get("running"))) {
                continue;
            }
            Optional<CrashReport.ThreadInfo> mine = r.threads().stream().filter(t -> t.name().equals(th.get("name"))).findFirst();
            if (mine.isEmpty() || mine.get().frames().isEmpty()) {
                continue; // no thread list in this dump (MIN): the thread tests say so
            }
            compareContext(s.name() + " thread " + th.get("name"), (List<Map<String, Object>>) th.get("frames"), mine.get().frames(), r, true, tally);
        }
        System.out.printf("values %-40s equal %4d, explained %s%n", s.name(), tally.equal, tally.explained);
        if (!tally.unexplained.isEmpty()) {
            fail(s.name() + ": " + tally.unexplained.size() + " values differ from gdb without a rule:\n" + String.join("\n", tally.unexplained));
        }
        assertTrue(tally.equal > 0, s.name() + ": no value compared equal");
    }

    private static List<Map<String, Object>> framesAfterBoundary(List<Map<String, Object>> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if ("exception".equals(frames.get(i).get("kind"))) {
                return frames.subList(i + 1, frames.size());
            }
        }
        return frames;
    }

    private static List<CrashReport.Frame> ourFrames(List<CrashReport.Frame> frames) {
        if (!frames.isEmpty() && "exception".equals(frames.get(0).kind())) {
            return frames.subList(1, frames.size());
        }
        return frames;
    }

    @SuppressWarnings("unchecked")
    private static void compareContext(String what, List<Map<String, Object>> gdb, List<CrashReport.Frame> ours, CrashReport r,
                                       boolean savedContext, Tally tally) {
        int n = Math.min(gdb.size(), ours.size());
        boolean first = true;
        for (int i = 0; i < n; i++) {
            Map<String, Object> g = gdb.get(i);
            CrashReport.Frame f = ours.get(i);
            if ("exception".equals(g.get("kind"))) {
                first = true;
                continue;
            }
            boolean outer = !first;
            if (!f.inlined()) {
                first = false;
            }
            if (!g.containsKey("bt_args")) {
                continue;
            }
            if (f.pc().isEmpty()) {
                assertTrue(f.btArgs().isEmpty() && f.args().isEmpty() && f.locals().isEmpty(), what + " #" + i + ": values without a pc");
                tally.explained.merge(Rule.FRAME_PC_UNKNOWN, 1, Integer::sum);
                continue;
            }
            String where = what + " #" + i + " " + f.function();
            // the last frame of a crash backtrace that stopped early (see Rule.FRAME_CFA_UNKNOWN)
            boolean endOfEarlyStop = !savedContext && i == ours.size() - 1
                    && r.diagnosis().stream().anyMatch(l -> l.startsWith("The backtrace stops early: "));
            List<String> gArgs = ((List<String>) g.get("bt_args")).stream().map(CrashLabValuesTest::norm).toList();
            List<String> oArgs = f.btArgs().map(CrashLabValuesTest::splitTop).orElse(List.of()).stream().map(CrashLabValuesTest::norm).toList();
            compareArgs(where, gArgs, oArgs, f, r, outer, savedContext, endOfEarlyStop, tally);
            Map<String, List<String>> gLocals = new HashMap<>();
            for (Map<String, Object> l : (List<Map<String, Object>>) g.get("locals")) {
                gLocals.computeIfAbsent((String) l.get("name"), k -> new ArrayList<>()).add(norm((String) l.get("value")));
            }
            for (CrashReport.Variable v : f.locals()) {
                List<String> gv = gLocals.getOrDefault(v.name(), List.of());
                if (gv.isEmpty()) {
                    tally.unexplained.add(where + ": local " + v.name() + " = " + v.value() + " is not in gdb's bt full");
                    continue;
                }
                String mine = norm(v.value());
                if (gv.remove(mine)) {
                    tally.equal++;
                } else {
                    judge(where + ": local " + v.name(), gv.remove(0), mine, v, r, outer, savedContext, endOfEarlyStop, tally);
                }
            }
            gLocals.forEach((name, left) -> left.forEach(val -> tally.unexplained.add(where + ": gdb's local " + name + " = " + val + " is missing")));
        }
    }

    private static void compareArgs(String where, List<String> gdb, List<String> ours, CrashReport.Frame f, CrashReport r,
                                    boolean outer, boolean savedContext, boolean endOfEarlyStop, Tally tally) {
        Map<String, CrashReport.Variable> byName = new HashMap<>();
        for (CrashReport.Variable v : f.args()) {
            byName.put(v.name(), v);
        }
        int gi = 0;
        int oi = 0;
        while (gi < gdb.size() || oi < ours.size()) {
            String g = gi < gdb.size() ? gdb.get(gi) : null;
            String o = oi < ours.size() ? ours.get(oi) : null;
            if (g != null && g.equals(o)) {
                tally.equal++;
                gi++;
                oi++;
                continue;
            }
            String gName = g == null ? null : g.substring(0, g.indexOf('='));
            String oName = o == null ? null : o.substring(0, o.indexOf('='));
            // gdb's separate "x@entry=..." item that we do not have
            if (gName != null && gName.endsWith("@entry") && !gName.equals(oName)) {
                CrashReport.Variable v = byName.get(gName.substring(0, gName.length() - "@entry".length()));
                entryRule(where + ": " + g, v, outer, savedContext, tally);
                gi++;
                continue;
            }
            if (g == null || o == null || !gName.equals(oName)) {
                tally.unexplained.add(where + ": argument lists differ at gdb's " + g + " / ours " + o);
                return;
            }
            CrashReport.Variable v = byName.get(oName);
            String gv = g.substring(gName.length() + 1);
            String ov = o.substring(oName.length() + 1);
            String entryPrefix = gName + "@entry=";
            if (gv.startsWith(entryPrefix) && gv.substring(entryPrefix.length()).equals(ov)) {
                // gdb: x=x@entry=V, ours: x=V: the same value, without the entry value
                entryRule(where + ": " + g, v, outer, savedContext, tally);
            } else {
                judge(where + ": argument " + gName, gv.startsWith(entryPrefix) ? gv.substring(entryPrefix.length()) : gv,
                        ov.startsWith(entryPrefix) ? ov.substring(entryPrefix.length()) : ov, v, r, outer, savedContext, endOfEarlyStop, tally);
                // gdb: x=x@entry=V; ours: x=<missing>, x@entry=V (the value at entry is known, the current one not)
                String next = oi + 1 < ours.size() ? ours.get(oi + 1) : null;
                if (gv.startsWith(entryPrefix) && next != null && next.startsWith(entryPrefix)) {
                    if (next.substring(entryPrefix.length()).equals(gv.substring(entryPrefix.length()))) {
                        tally.equal++;
                    } else {
                        judge(where + ": entry value of " + gName, gv.substring(entryPrefix.length()), next.substring(entryPrefix.length()), v, r,
                                outer, savedContext, endOfEarlyStop, tally);
                    }
                    oi++;
                }
            }
            gi++;
            oi++;
        }
    }

    private static void entryRule(String what, CrashReport.Variable v, boolean outer, boolean savedContext, Tally tally) {
        // Our entry value is missing: it needs a caller register we do not have. The caller is an outer frame, where
        // r0-r3 are not preserved, or r4-r11 are missing from the dump.
        if (v != null && v.entryValue().isEmpty()) {
            tally.explained.merge(Rule.ENTRY_VALUE_NEEDS_MISSING_REGISTER, 1, Integer::sum);
            return;
        }
        tally.unexplained.add(what + ": entry value differs (ours " + (v == null ? "none" : v.entryValue().orElse("none")) + ")");
    }

    private static final Pattern ADDRESS = Pattern.compile("Cannot access memory at address (0x[0-9a-f]+)");

    /** One value that differs: it must be one we could not read, for a reason that holds in this dump. */
    private static void judge(String what, String gdb, String ours, CrashReport.Variable v, CrashReport r, boolean outer, boolean savedContext,
                              boolean endOfEarlyStop, Tally tally) {
        String reason = v == null ? "" : v.unavailableReason().orElse("");
        // a variable-length array: its length is another (artificial) variable's run-time value, which we do not evaluate;
        // we say so instead of printing elements (gdb prints them)
        if (ours.startsWith("<not evaluated: the run-time length of a variable-length array") && gdb.startsWith("{")) {
            tally.explained.merge(Rule.VARIABLE_LENGTH_ARRAY, 1, Integer::sum);
            return;
        }
        // the last frame of a backtrace that stopped early (an alloca function whose r7 is not in the dump): its CFA, and
        // so its frame base and its caller's call site, are not known
        if (endOfEarlyStop && (ours.equals("<unavailable>") && reason.contains("this frame's CFA")
                || ours.equals("<optimized out>") && reason.contains("its caller is not known"))) {
            tally.explained.merge(Rule.FRAME_CFA_UNKNOWN, 1, Integer::sum);
            return;
        }
        Matcher m = ADDRESS.matcher(ours);
        if (m.find() && !reason.isEmpty()) {
            long address = Long.decode(m.group(1));
            boolean dumped = r.memory().stream().filter(CrashReport.MemoryRange::present).map(CrashReport.MemoryRange::range)
                    .anyMatch((AddressRange a) -> a.contains(address));
            if (!dumped && (reason.contains("truncation cut") || reason.contains("is not in the dump"))) {
                tally.explained.merge(Rule.MEMORY_NOT_IN_DUMP, 1, Integer::sum);
                return;
            }
        }
        if ((ours.contains("<unavailable>") || ours.equals("...")) && !reason.isEmpty()) {
            if (reason.contains("CONFIG_EXTRA_EXCEPTION_INFO") && !savedContext && r.dump().isPresent() && !r.dump().get().calleeSavedKnown()) {
                tally.explained.merge(Rule.CALLEE_SAVED_NOT_COLLECTED, 1, Integer::sum);
                return;
            }
            if (reason.contains("floating-point register")) {
                tally.explained.merge(Rule.FLOAT_REGISTER_NOT_IN_DUMP, 1, Integer::sum);
                return;
            }
            if (reason.contains("caller-saved") && outer) {
                tally.explained.merge(Rule.CALLER_SAVED_IN_OUTER_FRAME, 1, Integer::sum);
                return;
            }
        }
        tally.unexplained.add(what + ": gdb " + gdb + " / ours " + ours + (reason.isEmpty() ? "" : " (" + reason + ")"));
    }
}
