package dev.zmkagent.coredump.values;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.dwarf.CallSiteValues;
import dev.zmkagent.coredump.dwarf.DebugInfo;
import dev.zmkagent.coredump.dwarf.DwarfType;
import dev.zmkagent.coredump.dwarf.FrameScope;
import dev.zmkagent.coredump.elf.SymbolTable;
import dev.zmkagent.coredump.memory.Memory;
import dev.zmkagent.coredump.unwind.Frame;
import dev.zmkagent.coredump.unwind.FrameKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The arguments and locals of every frame of a backtrace, as gdb prints them, with the reason for each value that is
 * missing. Registers per frame come from the unwinder (the callee-saved ones the call-frame information says were
 * saved; none that it could not recover), memory from the dump.
 *
 * <p>Which pc a frame's locations are looked up at is gdb's: the frame's pc for the innermost frame and a frame right
 * after an exception boundary, pc - 1 (inside the call) for a caller. Entry values ({@code name@entry=}) follow gdb's
 * {@code print entry-values default}: a parameter that was in a single register when the function was entered takes
 * its value at entry from the caller's call site (DW_TAG_call_site_parameter's DW_AT_call_value, evaluated in the
 * caller's frame), when that call site calls this very function.
 */
public final class FrameValues {
    /** How deep entry values may nest (an entry value computed from the caller's entry value, ...). */
    private static final int MAX_ENTRY_DEPTH = 64;

    /**
     * One argument or local.
     *
     * @param name              its name
     * @param type              its C type, as gdb's whatis prints it
     * @param value             gdb's text of the value (full, as {@code info args}/{@code info locals} print it)
     * @param entryValue        parameters: the value at the function's entry, when known ({@code name@entry})
     * @param unavailableReason why the value (or a part of it) is missing; empty when all of it is known
     */
    public record Variable(String name, String type, String value, Optional<String> entryValue, Optional<String> unavailableReason) {
    }

    /**
     * The values of one frame: its arguments and locals, and the argument list as gdb's {@code bt} prints it (aggregates
     * as "...", entry values as {@code name=name@entry=v} or {@code name=v, name@entry=w}).
     */
    public record Values(List<Variable> args, List<Variable> locals, String btArgs) {
        public Values {
            args = List.copyOf(args);
            locals = List.copyOf(locals);
        }

        public static final Values NONE = new Values(List.of(), List.of(), "");
    }

    private final DebugInfo dwarf;
    private final SymbolTable symbols;
    private final Memory memory;
    private final MissingReasons reasons;

    public FrameValues(DebugInfo dwarf, SymbolTable symbols, Memory memory, MissingReasons reasons) {
        this.dwarf = dwarf;
        this.symbols = symbols;
        this.memory = memory;
        this.reasons = reasons;
    }

    /** The same reader for a switched-out thread, whose saved context holds r4-r11. */
    public FrameValues forSavedContext() {
        return new FrameValues(dwarf, symbols, memory, reasons.withCalleeSaved());
    }

    /** The values of every frame (same order and size as {@code frames}; exception boundaries and guesses get none). */
    public List<Values> of(List<Frame> frames) {
        List<Machine> machines = machineFrames(frames);
        Values[] out = new Values[frames.size()];
        Arrays.fill(out, Values.NONE);
        for (int m = 0; m < machines.size(); m++) {
            Machine mf = machines.get(m);
            if (mf.scopes == null) {
                continue;
            }
            for (int k = 0; k < mf.scopes.size(); k++) {
                try {
                    out[mf.first + k] = values(machines, m, mf.scopes.get(k));
                } catch (FormatException e) {
                    // corrupt DWARF for this frame's variables or types: the frame is shown without values
                    out[mf.first + k] = Values.NONE;
                }
            }
        }
        return List.of(out);
    }

    /** One machine frame: its inline chain's frames [first, first + n), the pc its locations are looked up at. */
    private final class Machine {
        final int first;
        final Frame frame;
        final long lookup;
        final boolean outer;
        final List<FrameScope> scopes;
        Machine caller;

        Machine(int first, Frame frame, long lookup, boolean outer, List<FrameScope> scopes) {
            this.first = first;
            this.frame = frame;
            this.lookup = lookup;
            this.outer = outer;
            this.scopes = scopes;
        }

        /**
         * The frame whose registers this one has: its own, except for a tail-call frame, which has no stack frame of
         * its own: it sees the registers of the caller that follows the chain of tail calls (gdb's view).
         */
        Frame registerFrame() {
            Machine m = this;
            for (int hops = 0; m.frame.kind().isTailCall() && m.caller != null && hops < 64; hops++) {
                m = m.caller;
            }
            return m.frame;
        }
    }

    private List<Machine> machineFrames(List<Frame> frames) {
        List<Machine> out = new ArrayList<>();
        boolean exact = true;
        int i = 0;
        while (i < frames.size()) {
            Frame f = frames.get(i);
            if (f.kind() == FrameKind.EXCEPTION || f.pc().isEmpty()) {
                exact = true;
                out.add(new Machine(i, f, -1, false, null));
                i++;
                continue;
            }
            int start = i;
            while (i < frames.size() - 1 && frames.get(i).inlined() && frames.get(i + 1).pc().equals(f.pc())) {
                i++;
            }
            Frame outerFrame = frames.get(i);
            int n = i - start + 1;
            long pc = f.pc().getAsLong();
            long lookup = exact ? pc : pc - 1;
            boolean isOuter = !exact;
            List<FrameScope> scopes = null;
            if (f.kind() != FrameKind.GUESS) {
                try {
                    List<FrameScope> s = dwarf.scopes(lookup);
                    scopes = s.size() == n ? s : null;
                } catch (FormatException e) {
                    scopes = null;
                }
            }
            Machine machine = new Machine(start, outerFrame, lookup, isOuter, scopes);
            out.add(machine);
            exact = false;
            i++;
        }
        for (int m = 0; m + 1 < out.size(); m++) {
            out.get(m).caller = out.get(m + 1);
        }
        return out;
    }

    /** Signals that gdb would find no entry value (NO_ENTRY_VALUE_ERROR): the value is then optimized out. */
    private static Missing.Unavailable noEntryValue(String why) {
        return new Missing.Unavailable(new Missing(Missing.Kind.OPTIMIZED_OUT, 0,
                "optimized out: only its value at the function's entry is described, and " + why));
    }

    /** The evaluation context of one machine frame. */
    private final class Context implements ExpressionEvaluator.ExpressionFrame {
        final Machine machine;
        final FrameScope scope;
        final int depth;

        Context(Machine machine, FrameScope scope, int depth) {
            this.machine = machine;
            this.scope = scope;
            this.depth = depth;
        }

        @Override
        public OptionalLong register(int reg) {
            // Floating-point registers are in no Zephyr dump: an FPU exception frame only reserves their space (with
            // lazy FP stacking the values are never written there), so its bytes are not theirs.
            if (reg < 0 || reg > 15) {
                return OptionalLong.empty();
            }
            Frame f = machine.registerFrame();
            if (reg == 15 && f != machine.frame) {
                return machine.frame.pc();
            }
            return f.registers().get(reg);
        }

        @Override
        public OptionalLong read(long address, int size) {
            return readMemory(address, size);
        }

        @Override
        public OptionalLong cfa() {
            Frame f = machine.registerFrame();
            // a tail-call frame's CFA is its caller's sp: it popped its own frame before it jumped
            return f == machine.frame ? machine.frame.cfa() : f.registers().get(13);
        }

        @Override
        public long frameBase() throws Missing.Unavailable {
            FrameScope.Location fb = scope.frameBase();
            if (fb == null || fb.kind() != FrameScope.Location.Kind.EXPRESSION) {
                throw new Missing.Unavailable(Missing.error("the function has no frame base"));
            }
            List<Piece> p = ExpressionEvaluator.location(fb.bytes(), scope.unit(), this);
            Piece only = p.get(0);
            if (only.kind() == Piece.Kind.REGISTER) {
                OptionalLong v = register((int) only.number());
                if (v.isEmpty()) {
                    throw new Missing.Unavailable(Missing.register((int) only.number()));
                }
                return v.getAsLong();
            }
            if (only.kind() == Piece.Kind.MEMORY || only.kind() == Piece.Kind.VALUE) {
                return only.number();
            }
            throw new Missing.Unavailable(Missing.error("the frame base is not an address"));
        }

        @Override
        public long entryValue(ByteView expression) throws Missing.Unavailable {
            int reg = ExpressionEvaluator.singleRegister(expression);
            if (reg < 0) {
                throw noEntryValue("that value is not a single register");
            }
            return entryValueOfRegister(reg);
        }

        long entryValueOfRegister(int reg) throws Missing.Unavailable {
            return entryValueAt(reg, OptionalLong.empty());
        }

        /**
         * The value a parameter had at the function's entry, from the caller's call site: passed in register
         * {@code reg}, or (stackOffset present) on the stack at sp + offset of the call, which the callee sees at
         * DW_OP_fbreg(offset) (gdb's CALL_SITE_PARAMETER_FB_OFFSET).
         */
        long entryValueAt(int reg, OptionalLong stackOffset) throws Missing.Unavailable {
            Machine caller = machine.caller;
            if (depth >= MAX_ENTRY_DEPTH) {
                throw noEntryValue("entry values nest too deep");
            }
            if (caller == null) {
                throw noEntryValue("its caller is not known: the backtrace ends at this frame");
            }
            if (caller.scopes == null || caller.frame.kind() == FrameKind.EXCEPTION) {
                throw noEntryValue("this frame's caller is not a function call with call-site information");
            }
            long entry = machine.scopes.get(machine.scopes.size() - 1).entryPc();
            Optional<CallSiteValues> site;
            try {
                site = dwarf.callSiteValues(caller.frame.pc().getAsLong());
            } catch (FormatException e) {
                throw noEntryValue("the caller's call-site information is unreadable");
            }
            if (site.isEmpty()) {
                throw noEntryValue("the caller's DWARF describes no call site at its return address");
            }
            if (site.get().target().isEmpty() || site.get().target().getAsLong() != entry) {
                throw noEntryValue("the caller's call site does not name this function as its target");
            }
            for (CallSiteValues.Parameter p : site.get().parameters()) {
                boolean matches = stackOffset.isPresent()
                        ? ExpressionEvaluator.spOffset(p.location()).equals(stackOffset)
                        : ExpressionEvaluator.singleRegister(p.location()) == reg;
                if (matches) {
                    FrameScope callerScope = caller.scopes.get(caller.scopes.size() - 1);
                    return ExpressionEvaluator.value(p.value(), site.get().unit(), new Context(caller, callerScope, depth + 1));
                }
            }
            throw noEntryValue("the caller's call site does not say what it passed in "
                    + (stackOffset.isPresent() ? "its stack at sp" + (stackOffset.getAsLong() >= 0 ? "+" : "") + stackOffset.getAsLong()
                    : MissingReasons.registerName(reg)));
        }
    }

    private OptionalLong readMemory(long address, int size) {
        byte[] b = new byte[size];
        if (!memory.read(address & 0xFFFF_FFFFL, b, 0, size)) {
            return OptionalLong.empty();
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (b[i] & 0xFFL) << (8 * i);
        }
        return OptionalLong.of(v);
    }

    private Values values(List<Machine> machines, int m, FrameScope scope) {
        Machine mf = machines.get(m);
        Context ctx = new Context(mf, scope, 0);
        List<Variable> args = new ArrayList<>();
        List<String> bt = new ArrayList<>();
        for (FrameScope.Variable v : scope.parameters()) {
            Read full = read(ctx, v, false);
            Read brief = read(ctx, v, true);
            Optional<String> entry = Optional.empty();
            Optional<String> entryBrief = Optional.empty();
            List<Missing> entryMissing = List.of();
            boolean equal = false;
            if (!scope.inlined() && v.atEntry().kind() == FrameScope.Location.Kind.EXPRESSION) {
                int reg = ExpressionEvaluator.singleRegister(v.atEntry().bytes());
                OptionalLong fb = ExpressionEvaluator.fbOffset(v.atEntry().bytes());
                if (reg >= 0 || fb.isPresent()) {
                    try {
                        long raw = ctx.entryValueAt(reg, fb);
                        int size = (int) Math.max(0, Math.min(8, v.type().byteSize()));
                        byte[] b = new byte[size];
                        for (int i = 0; i < size; i++) {
                            b[i] = (byte) (raw >>> (8 * i));
                        }
                        ValueBytes eb = ValueBytes.known(b);
                        ValueFormatter f = formatter();
                        entry = Optional.of(f.format(v.type(), eb, false));
                        entryMissing = f.missing();
                        entryBrief = Optional.of(formatter().format(v.type(), eb, true));
                        // gdb compares the two values' own bytes (a pointer, not the string it points to)
                        equal = full.bytes != null && full.bytes.missingIn(0, full.bytes.size()) == null && Arrays.equals(full.bytes.data, b);
                    } catch (Missing.Unavailable e) {
                        // no entry value: gdb prints the parameter alone
                    }
                }
            }
            // a reason for the value, else for what the entry value could not show (a string past the cut)
            List<Missing> lostInEntry = entryMissing;
            Optional<String> reason = full.reason(mf.outer).or(() -> entryMissingReason(lostInEntry, mf.outer));
            args.add(new Variable(v.name(), TypeNames.of(v.type()), full.text, entry, reason));
            if (equal) {
                bt.add(v.name() + "=" + v.name() + "@entry=" + brief.text);
            } else {
                bt.add(v.name() + "=" + brief.text);
                entryBrief.ifPresent(e -> bt.add(v.name() + "@entry=" + e));
            }
        }
        List<Variable> locals = new ArrayList<>();
        for (FrameScope.Variable v : scope.locals()) {
            Read full = read(ctx, v, false);
            locals.add(new Variable(v.name(), TypeNames.of(v.type()), full.text, Optional.empty(), full.reason(mf.outer)));
        }
        return new Values(args, locals, String.join(", ", bt));
    }

    private Optional<String> entryMissingReason(List<Missing> missing, boolean outer) {
        return missing.isEmpty() ? Optional.empty() : Optional.of(reasons.reason(missing.get(0), outer));
    }

    private ValueFormatter formatter() {
        return new ValueFormatter(symbols, this::readMemory);
    }

    /** A value read and printed, with what was missing. */
    private final class Read {
        final String text;
        final ValueBytes bytes;
        final List<Missing> missing;

        Read(String text, ValueBytes bytes, List<Missing> missing) {
            this.text = text;
            this.bytes = bytes;
            this.missing = missing;
        }

        Optional<String> reason(boolean outer) {
            return missing.isEmpty() ? Optional.empty() : Optional.of(reasons.reason(missing.get(0), outer));
        }
    }

    private Read read(Context ctx, FrameScope.Variable v, boolean scalarsOnly) {
        DwarfType type = v.type();
        long size = type.byteSize();
        int n = (int) Math.max(0, Math.min(size < 0 ? 4 : size, ValueBytes.MAX_BYTES));
        FrameScope.Location loc = v.location();
        ValueBytes bytes;
        switch (loc.kind()) {
            case OPTIMIZED_OUT:
                bytes = ValueBytes.allMissing(Math.max(n, 1), Missing.OPTIMIZED);
                break;
            case CONSTANT_NUMBER: {
                byte[] b = new byte[n];
                for (int i = 0; i < n && i < 8; i++) {
                    b[i] = (byte) (loc.constant() >>> (8 * i));
                }
                bytes = ValueBytes.known(b);
                break;
            }
            case CONSTANT_BYTES: {
                byte[] b = Arrays.copyOf(loc.bytes().toArray(), n);
                bytes = ValueBytes.known(b);
                break;
            }
            default:
                try {
                    List<Piece> pieces = ExpressionEvaluator.location(loc.bytes(), ctx.scope.unit(), ctx);
                    if (pieces.size() == 1 && pieces.get(0).kind() == Piece.Kind.IMPLICIT_POINTER) {
                        return new Read("<synthetic pointer>", null, List.of());
                    }
                    bytes = ValueBytes.read(pieces, Math.max(n, 1), ctx);
                } catch (Missing.Unavailable e) {
                    bytes = ValueBytes.allMissing(Math.max(n, 1), e.missing);
                }
        }
        ValueFormatter f = formatter();
        Missing whole = bytes.missingIn(0, Math.max(1, n));
        String text;
        if (whole != null && whole.kind() == Missing.Kind.MEMORY && bytes.address >= 0) {
            // gdb reads a variable in memory at once: one unreadable byte makes reading the variable fail
            Missing first = firstMemory(bytes);
            f.missing().add(first);
            text = scalarsOnly ? String.format("<error reading variable: Cannot access memory at address 0x%x>", first.number())
                    : String.format("<error reading variable %s (Cannot access memory at address 0x%x)>", v.name(), first.number());
        } else if (whole != null && allMissing(bytes)) {
            // gdb prints a value missing as a whole by one word, whatever its type ("..." for an aggregate in bt)
            f.missing().add(whole);
            text = scalarsOnly && !ValueFormatter.isScalar(type) ? "..." : whole.gdbText();
        } else {
            text = f.format(type, bytes, scalarsOnly);
        }
        return new Read(text, bytes, f.missing());
    }

    private static Missing firstMemory(ValueBytes b) {
        for (Missing m : b.missing) {
            if (m != null && m.kind() == Missing.Kind.MEMORY) {
                return m;
            }
        }
        return b.missingIn(0, b.size());
    }

    private static boolean allMissing(ValueBytes b) {
        for (Missing m : b.missing) {
            if (m == null) {
                return false;
            }
        }
        return true;
    }
}
