package dev.zmkagent.coredump.report;

import java.util.List;

/**
 * The human report: sections in the order a maintainer reads them (what crashed, where, why the data may be
 * partial, registers, memory). {@code color} adds ANSI emphasis, only used on a terminal.
 */
public final class TextReport {
    private final boolean color;
    private final boolean threads;
    private final boolean locals;
    private final StringBuilder out = new StringBuilder();

    private TextReport(boolean color, boolean threads, boolean locals) {
        this.color = color;
        this.threads = threads;
        this.locals = locals;
    }

    public static String render(CrashReport r, boolean color) {
        return render(r, color, false);
    }

    /** {@code threads} adds every kernel thread with its state, stack use and backtrace. */
    public static String render(CrashReport r, boolean color, boolean threads) {
        return render(r, color, threads, false);
    }

    /** {@code locals} adds every frame's locals under it, as gdb's {@code bt full} does. */
    public static String render(CrashReport r, boolean color, boolean threads, boolean locals) {
        return new TextReport(color, threads, locals).build(r);
    }

    private String build(CrashReport r) {
        heading("ZMK crash report");
        line("Input:     " + r.input().description());
        r.input().board().ifPresent(b -> line("Board:     " + b));
        CrashReport.Partition p = r.partition();
        if (p.address().isPresent()) {
            line(String.format("Coredump:  partition at %s (%s)", Hex.addr(p.address().getAsLong()), p.how()));
        } else {
            line("Coredump:  " + p.how());
        }
        if (r.dump().isEmpty()) {
            line("");
            for (String d : r.diagnosis()) {
                line(d);
            }
            warnings(r.warnings());
            return out.toString();
        }
        CrashReport.Dump d = r.dump().get();
        r.firmware().filter(CrashReport.Firmware::identityMismatch)
                .ifPresent(fw -> line(bold("WARNING:   " + fw.identity())));
        line(String.format("Header:    %s, stream %s bytes, checksum %s%s", p.headerState().replace('_', ' '),
                p.streamSize().isPresent() ? p.streamSize().getAsLong() : "?",
                p.checksumOk().map(ok -> ok ? "ok" : "MISMATCH").orElse("n/a"),
                d.truncated() ? ", TRUNCATED" : ""));
        line("");
        line(bold("Reason:    " + d.reasonName() + " (" + d.reasonCode() + ")") + " — " + d.reasonMeaning());
        d.faultAddress().ifPresent(a -> line("Address:   " + Hex.word(a) + " (the address the faulting access used)"));
        r.signature().ifPresent(s -> line("Signature: " + s));

        if (!r.frames().isEmpty()) {
            heading("Backtrace");
            for (String f : frames(r.frames(), locals)) {
                line(f);
            }
        }
        if (threads) {
            threadSection(r);
        }
        if (!r.faultStatus().isEmpty()) {
            heading("Fault status registers");
            for (String s : r.faultStatus()) {
                line("  " + s);
            }
        }
        if (!r.diagnosis().isEmpty()) {
            heading("Diagnosis");
            for (String s : r.diagnosis()) {
                line("  " + s);
            }
        }
        heading("Registers");
        StringBuilder row = new StringBuilder();
        int n = 0;
        for (CrashReport.Register reg : d.registers()) {
            row.append(String.format("  %-4s %-10s", reg.name(), reg.known() ? reg.hex() : "<unknown>"));
            if (++n % 4 == 0) {
                line(row.toString().stripTrailing());
                row.setLength(0);
            }
        }
        if (row.length() > 0) {
            line(row.toString().stripTrailing());
        }
        if (!d.calleeSavedKnown() && d.archVersion() >= 2 && d.registers().stream().filter(CrashReport.Register::known).count() >= 9) {
            line("  r4-r11 were not collected by this build (CONFIG_EXTRA_EXCEPTION_INFO is off).");
        }
        line("  xPSR: " + d.xpsr());
        d.pcLocation().ifPresent(w -> line("  pc:   " + w));
        d.lrLocation().ifPresent(w -> line("  lr:   returns into " + w));
        d.excReturn().ifPresent(e -> line("  lr:   " + e));
        r.firmware().ifPresent(fw -> {
            heading("Firmware");
            line("  ELF:      " + fw.path());
            fw.buildId().ifPresent(id -> line("  Build ID: " + id));
            line("  " + (fw.identityMismatch() ? bold("WARNING: ") : "") + fw.identity());
        });
        heading("Memory in the dump");
        for (CrashReport.MemoryRange m : r.memory()) {
            line(String.format("  %s  %7d bytes  %s%s", m.range(), m.range().length(), m.present() ? "" : "MISSING ", m.source()));
        }
        warnings(r.warnings());
        return out.toString();
    }

    private void threadSection(CrashReport r) {
        heading("Threads");
        if (r.threads().isEmpty()) {
            line("  No thread list: the ELF lacks Zephyr's thread info (CONFIG_DEBUG_THREAD_INFO) or the dump lacks _kernel.");
            return;
        }
        for (CrashReport.ThreadInfo t : r.threads()) {
            StringBuilder s = new StringBuilder(String.format("%s %s (0x%08x)", t.current() ? "*" : " ", t.name(), t.address()));
            t.priority().ifPresent(p -> s.append(", priority ").append((int) p));
            t.stateText().ifPresentOrElse(st -> s.append(", ").append(st), () -> t.state().ifPresent(st -> s.append(String.format(", state 0x%x", st))));
            t.entry().ifPresent(e -> s.append(", entry ").append(e));
            if (t.stack().isPresent()) {
                s.append(String.format(", stack %s", t.stack().get()));
                t.usedBytes().ifPresent(u -> s.append(String.format(" (%d of %d bytes used)", u, t.stack().get().length())));
            }
            line(s.toString());
            if (t.current()) {
                line("      (the crashing thread: see Backtrace)");
            }
            for (String f : frames(t.frames(), locals)) {
                line("    " + f);
            }
            t.stopReason().ifPresent(sr -> line("      " + sr));
        }
    }

    /** All frames as gdb-style lines, with the arguments as gdb's bt prints them. */
    static List<String> frames(List<CrashReport.Frame> frames) {
        return frames(frames, false);
    }

    /**
     * All frames as gdb-style lines; under a frame, why an argument's value is missing; with {@code locals}, every
     * frame's locals as gdb's {@code bt full} prints them (and why a local's value is missing).
     */
    static List<String> frames(List<CrashReport.Frame> frames, boolean locals) {
        List<String> out = new java.util.ArrayList<>();
        CrashReport.Frame previous = null;
        for (CrashReport.Frame f : frames) {
            // The frames of one inline chain share a pc: show it once, on the innermost (where execution was).
            boolean showPc = f.pc().isPresent() && (previous == null || !previous.inlined() || !previous.pc().equals(f.pc()));
            out.add(frame(f, showPc));
            if (locals && f.btArgs().isPresent()) {
                if (f.locals().isEmpty()) {
                    out.add("        No locals.");
                }
                for (CrashReport.Variable v : f.locals()) {
                    out.add("        " + v.name() + " = " + v.value());
                }
            }
            for (CrashReport.Variable v : f.args()) {
                reason(out, v, locals);
            }
            if (locals) {
                for (CrashReport.Variable v : f.locals()) {
                    reason(out, v, true);
                }
            }
            previous = f;
        }
        return out;
    }

    /**
     * Why a value is missing. Under the plain backtrace only what the dump lacks (a register, memory: the things a
     * build setting can change); with the locals every reason, the optimized-out ones too.
     */
    private static void reason(List<String> out, CrashReport.Variable v, boolean all) {
        v.unavailableReason().filter(r -> all || !r.startsWith("optimized out"))
                .ifPresent(r -> out.add("        (" + v.name() + ": " + r + ")"));
    }

    static String frame(CrashReport.Frame f, boolean showPc) {
        if (f.pc().isEmpty() && "exception".equals(f.kind())) {
            String label = f.function() == null ? "exception" : f.function();
            return String.format("#%-2d %s", f.index(), label.startsWith("<") ? label : "<" + label + ">");
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format("#%-2d ", f.index()));
        if (showPc && f.pc().isPresent()) { // a stack-limit overflow's frame 0 has no pc: the core never saved it
            s.append(Hex.word(f.pc().getAsLong())).append(" in ");
        }
        s.append(f.function() == null ? "??" : f.function()).append(" (").append(f.btArgs().orElse("")).append(')');
        if (f.file() != null) {
            s.append(" at ").append(f.file());
            if (f.line() > 0) {
                s.append(':').append(f.line());
            }
        }
        // an inlined function is as certain as the machine frame it runs in: "[inlined, guess]"
        if (f.inlined()) {
            s.append("   [inlined").append("normal".equals(f.kind()) ? "" : ", " + f.kind()).append(']');
        } else if (!"normal".equals(f.kind())) {
            s.append("   [").append(f.kind()).append(']');
        }
        f.nullCall().ifPresent(c -> s.append("  — ").append(c.sentence()));
        return s.toString();
    }

    private void warnings(List<String> warnings) {
        if (!warnings.isEmpty()) {
            heading("Warnings");
            for (String w : warnings) {
                line("  " + w);
            }
        }
    }

    private void heading(String h) {
        out.append('\n').append(bold(h)).append('\n');
    }

    private String bold(String s) {
        return color ? "\u001b[1m" + s + "\u001b[0m" : s;
    }

    private void line(String s) {
        out.append(s).append('\n');
    }
}
