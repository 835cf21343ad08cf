package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.symbols.CallSite;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Source-level view of code addresses from DWARF, answering as gdb does: function names, inlined-call chains and
 * file:line.
 *
 * <p>Lazy by design: opening reads nothing but section headers. A lookup finds the compile unit through
 * .debug_aranges (or, when that has no answer, by reading each unit's header and root DIE only), then decodes that
 * one unit's DIE tree and line program and keeps them for later lookups. Other units are never decoded.
 *
 * <p>{@link #frames} never throws on bad DWARF: it falls back to the ELF symbol for that address and records a
 * warning ({@link #warnings}). {@link #framesStrict} throws the {@link FormatException} instead.
 *
 * <p>Call sites (DW_TAG_call_site, DW_TAG_GNU_call_site) are indexed per unit on first use, only for the units
 * that {@link #callSiteAt} and {@link #callSitesIn} are asked about; an unwinder uses them for gdb's tail-call frames.
 */
public final class DebugInfo implements Symbolizer {
    private static final int MAX_SCOPE_DEPTH = 512;
    private final DwarfSections s;
    private final ElfSymbolizer fallback;
    private final Map<Long, Unit> units = new HashMap<>();
    /** Per unit offset: its call sites, indexed when a lookup first needs them. */
    private final Map<Long, UnitCallSites> callSites = new HashMap<>();
    /** Per unit offset: abstract/declaration DIE offset to the entry pc of its out-of-line instance in that unit. */
    private final Map<Long, Map<Long, Long>> concreteInstances = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private long[] arangeStart;
    private long[] arangeEnd;
    private long[] arangeUnit;
    private long[] unitOffsets;

    private DebugInfo(DwarfSections s, ElfSymbolizer fallback) {
        this.s = s;
        this.fallback = fallback;
    }

    public static DebugInfo of(ElfFile elf) {
        return new DebugInfo(new DwarfSections(elf), new ElfSymbolizer(elf));
    }

    /** Package-private: over sections chosen by a test, with the ELF's symbols behind. */
    static DebugInfo of(DwarfSections sections, ElfFile elf) {
        return new DebugInfo(sections, new ElfSymbolizer(elf));
    }

    /** Package-private: over sections built by hand (tests), with no ELF symbols behind. */
    static DebugInfo of(DwarfSections sections) {
        return new DebugInfo(sections, null);
    }

    /** DWARF when the ELF has it, else the ELF symbol table alone. */
    public static Symbolizer forElf(ElfFile elf) {
        DebugInfo d = of(elf);
        return d.hasDwarf() ? d : d.fallback;
    }

    public boolean hasDwarf() {
        return s.info.length() > 0;
    }

    /** Problems met so far (corrupt DWARF for some address), one line each; lookups that hit them used ELF symbols. */
    @Override
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public synchronized List<SourceFrame> frames(long pc) {
        try {
            return framesStrict(pc);
        } catch (FormatException e) {
            String w = String.format("DWARF unreadable for 0x%08x, using ELF symbols: %s", pc, e.getMessage());
            if (!warnings.contains(w)) {
                warnings.add(w);
            }
            return fallback != null ? fallback.frames(pc) : List.of(new SourceFrame(ElfSymbolizer.UNKNOWN, null, null, 0, false));
        }
    }

    /** Like {@link #frames} but corrupt or truncated DWARF on the way is an exception naming section and offset. */
    public synchronized List<SourceFrame> framesStrict(long pc) {
        Unit u = unitFor(pc);
        List<Die> chain = u == null ? List.of() : scopeChain(u, pc);
        LineTable lines = u == null ? null : u.lines();
        LineTable.Row row = lines == null ? null : lines.lookup(pc);
        String file = row != null ? row.file() : null;
        String dir = row != null ? row.directory() : null;
        int line = row != null ? row.line() : 0;
        if (chain.isEmpty()) {
            String name = fallback != null ? fallback.frames(pc).get(0).function() : ElfSymbolizer.UNKNOWN;
            return List.of(new SourceFrame(name, file, dir, line, false));
        }
        List<SourceFrame> out = new ArrayList<>(chain.size());
        for (Die d : chain) {
            boolean inlined = d.tag == Dw.TAG_INLINED_SUBROUTINE;
            out.add(new SourceFrame(functionName(u, d), file, dir, line, inlined));
            if (inlined) {
                long callLine = u.constant(d, Dw.AT_CALL_LINE, 0);
                if (callLine != 0) {
                    long callFile = u.constant(d, Dw.AT_CALL_FILE, -1);
                    LineTable.FileName f = lines != null && callFile >= 0 ? lines.fileName(callFile) : null;
                    file = f != null ? f.name() : u.name();
                    dir = u.compDir();
                    line = (int) callLine;
                } else {
                    file = null;
                    dir = null;
                    line = 0;
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The concrete function (outermost frame of {@link #frames}) containing {@code pc}. */
    public synchronized Optional<FunctionInfo> function(long pc) {
        Unit u = unitFor(pc);
        if (u == null) {
            return Optional.empty();
        }
        List<Die> chain = scopeChain(u, pc);
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        Die f = chain.get(chain.size() - 1);
        List<AddressRange> ranges = u.ranges(f);
        long low = Long.MAX_VALUE;
        long high = 0;
        for (AddressRange r : ranges) {
            low = Math.min(low, r.start());
            high = Math.max(high, r.end());
        }
        long entry = f.has(Dw.AT_LOW_PC) ? u.address(f, Dw.AT_LOW_PC) : ranges.get(0).start();
        String declFile = null;
        int declLine = 0;
        Located decl = attributeOwner(u, f, Dw.AT_DECL_LINE);
        if (decl != null) {
            declLine = (int) decl.unit.constant(decl.die, Dw.AT_DECL_LINE, 0);
            long fileIndex = decl.unit.constant(decl.die, Dw.AT_DECL_FILE, -1);
            LineTable lt = decl.unit.lines();
            LineTable.FileName fn = lt != null && fileIndex >= 0 ? lt.fileName(fileIndex) : null;
            declFile = fn != null ? fn.name() : null;
        }
        return Optional.of(new FunctionInfo(functionName(u, f), low, high, entry, ranges, u.name(), declFile, declLine));
    }

    @Override
    public synchronized OptionalLong functionEntry(long pc) {
        try {
            return function(pc).map(f -> OptionalLong.of(f.entryPc())).orElse(OptionalLong.empty());
        } catch (FormatException e) {
            warn(String.format("DWARF unreadable for 0x%08x: %s", pc, e.getMessage()));
            return OptionalLong.empty();
        }
    }

    /**
     * The call site whose return address is {@code returnPc} (DW_AT_call_return_pc, or DW_AT_low_pc of a DWARF 4
     * DW_TAG_GNU_call_site). Empty when the unit holding the call describes none there, or its DWARF is unreadable
     * (then a warning is recorded).
     */
    @Override
    public synchronized Optional<CallSite> callSiteAt(long returnPc) {
        try {
            Unit u = unitFor(returnPc - 1);
            return u == null ? Optional.empty() : Optional.ofNullable(callSites(u).byReturnPc.get(returnPc));
        } catch (FormatException e) {
            warn(String.format("call sites unreadable around 0x%08x: %s", returnPc, e.getMessage()));
            return Optional.empty();
        }
    }

    /** Every call site in the code of {@code f}, inlined code included, in DIE order. */
    public synchronized List<CallSite> callSitesIn(FunctionInfo f) {
        return callSitesIn(f.entryPc());
    }

    @Override
    public synchronized List<CallSite> callSitesIn(long entryPc) {
        try {
            Unit u = unitFor(entryPc);
            return u == null ? List.of() : callSites(u).byFunction.getOrDefault(entryPc, List.of());
        } catch (FormatException e) {
            warn(String.format("call sites unreadable for the function at 0x%08x: %s", entryPc, e.getMessage()));
            return List.of();
        }
    }

    private void warn(String w) {
        if (!warnings.contains(w)) {
            warnings.add(w);
        }
    }

    // ---------------------------------------------------------------- call sites

    private static final class UnitCallSites {
        final Map<Long, CallSite> byReturnPc = new HashMap<>();
        final Map<Long, List<CallSite>> byFunction = new HashMap<>();
    }

    private UnitCallSites callSites(Unit u) {
        UnitCallSites index = callSites.get(u.offset);
        if (index != null) {
            return index;
        }
        index = new UnitCallSites();
        List<Die> dies = u.dies();
        for (Die d : dies) {
            if (d.tag != Dw.TAG_CALL_SITE && d.tag != Dw.TAG_GNU_CALL_SITE) {
                continue;
            }
            Die fn = enclosingSubprogram(dies, d);
            OptionalLong entry = fn == null ? OptionalLong.empty() : entryOf(u, fn);
            if (entry.isEmpty()) {
                continue; // in an abstract instance, or in code the linker discarded
            }
            // DWARF 5 names the return address DW_AT_call_return_pc; the GNU extension used DW_AT_low_pc.
            OptionalLong returnPc = codeAddress(u, d, d.has(Dw.AT_CALL_RETURN_PC) ? Dw.AT_CALL_RETURN_PC : Dw.AT_LOW_PC);
            OptionalLong callPc = codeAddress(u, d, Dw.AT_CALL_PC);
            if (returnPc.isEmpty() && callPc.isEmpty()) {
                continue;
            }
            boolean tail = u.constant(d, Dw.AT_CALL_TAIL_CALL, 0) != 0 || u.constant(d, Dw.AT_GNU_TAIL_CALL, 0) != 0;
            OptionalLong target = OptionalLong.empty();
            String targetName = null;
            long origin = u.reference(d, Dw.AT_CALL_ORIGIN);
            if (origin < 0) {
                origin = u.reference(d, Dw.AT_ABSTRACT_ORIGIN);
            }
            if (origin >= 0) {
                Located o = dieAt(u, d, origin);
                String name = functionName(o.unit, o.die);
                targetName = ElfSymbolizer.UNKNOWN.equals(name) ? null : name;
                target = targetOf(o, targetName);
            } else {
                ByteView expr = u.block(d, d.has(Dw.AT_CALL_TARGET) ? Dw.AT_CALL_TARGET : Dw.AT_GNU_CALL_SITE_TARGET);
                target = constantAddress(u, expr);
            }
            CallSite site = new CallSite(entry.getAsLong(), returnPc, callPc, target, targetName, tail);
            if (returnPc.isPresent()) {
                index.byReturnPc.putIfAbsent(returnPc.getAsLong(), site);
            }
            index.byFunction.computeIfAbsent(entry.getAsLong(), k -> new ArrayList<>()).add(site);
        }
        index.byFunction.replaceAll((k, v) -> List.copyOf(v));
        callSites.put(u.offset, index);
        return index;
    }

    /** The concrete subprogram whose code holds a call site: the nearest DW_TAG_subprogram above it. */
    private static Die enclosingSubprogram(List<Die> dies, Die d) {
        for (int i = d.parent; i >= 0; i = dies.get(i).parent) {
            Die p = dies.get(i);
            if (p.tag == Dw.TAG_SUBPROGRAM) {
                return p;
            }
        }
        return null;
    }

    /** Where a function with code is entered (DW_AT_low_pc, else its first range, as gdb takes it); empty without code. */
    private static OptionalLong entryOf(Unit u, Die f) {
        if (!f.has(Dw.AT_LOW_PC) && !f.has(Dw.AT_RANGES)) {
            return OptionalLong.empty();
        }
        List<AddressRange> ranges = u.ranges(f);
        if (ranges.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(f.has(Dw.AT_LOW_PC) ? u.address(f, Dw.AT_LOW_PC) : ranges.get(0).start());
    }

    private OptionalLong codeAddress(Unit u, Die d, int attribute) {
        if (!d.has(attribute)) {
            return OptionalLong.empty();
        }
        long a = u.address(d, attribute);
        return s.keeps(a) ? OptionalLong.of(a) : OptionalLong.empty();
    }

    private Located dieAt(Unit u, Die from, long ref) {
        Unit target = u.containsOffset(ref) ? u : unitContaining(ref);
        if (target == null) {
            throw DwarfSections.error(".debug_info", s.info, from.offset, String.format("reference to 0x%x points outside every unit", ref));
        }
        int idx = target.indexOf(ref);
        if (idx < 0) {
            throw DwarfSections.error(".debug_info", s.info, from.offset, String.format("reference to 0x%x is not the start of a DIE", ref));
        }
        return new Located(target, target.dies().get(idx));
    }

    /**
     * Entry pc of the function a call site names: the DIE's own code; else the out-of-line instance in its unit that
     * refers to it (an abstract inline instance, a declaration); else the ELF function symbol of that name (a
     * declaration of a function defined in another unit).
     */
    private OptionalLong targetOf(Located o, String name) {
        OptionalLong own = entryOf(o.unit, o.die);
        if (own.isPresent()) {
            return own;
        }
        Long concrete = concreteInstances(o.unit).get(o.die.offset);
        if (concrete != null) {
            return OptionalLong.of(concrete);
        }
        if (fallback == null) {
            return OptionalLong.empty();
        }
        Located linkage = attributeOwner(o.unit, o.die, Dw.AT_LINKAGE_NAME);
        String symbol = linkage != null ? linkage.unit.string(linkage.die, Dw.AT_LINKAGE_NAME) : name;
        return symbol == null ? OptionalLong.empty() : fallback.functionAddress(symbol);
    }

    private Map<Long, Long> concreteInstances(Unit u) {
        Map<Long, Long> m = concreteInstances.get(u.offset);
        if (m == null) {
            m = new HashMap<>();
            for (Die d : u.dies()) {
                if (d.tag != Dw.TAG_SUBPROGRAM) {
                    continue;
                }
                long ref = u.reference(d, Dw.AT_ABSTRACT_ORIGIN);
                if (ref < 0) {
                    ref = u.reference(d, Dw.AT_SPECIFICATION);
                }
                if (ref >= 0) {
                    OptionalLong entry = entryOf(u, d);
                    if (entry.isPresent()) {
                        m.putIfAbsent(ref, entry.getAsLong());
                    }
                }
            }
            concreteInstances.put(u.offset, m);
        }
        return m;
    }

    /** A call target given as an expression: only a constant address (DW_OP_addr, DW_OP_addrx) is known statically. */
    static OptionalLong constantAddress(Unit u, ByteView expr) {
        if (expr == null || expr.length() == 0) {
            return OptionalLong.empty();
        }
        ByteCursor c = expr.cursor(0);
        int op = c.u8();
        if (op == Dw.OP_ADDR && expr.length() == 1 + u.addressSize) {
            return OptionalLong.of(c.unsigned(u.addressSize));
        }
        if (op == Dw.OP_ADDRX || op == Dw.OP_GNU_ADDR_INDEX) {
            long index = c.uleb128();
            if (!c.hasRemaining()) {
                return OptionalLong.of(u.indexedAddress(index));
            }
        }
        return OptionalLong.empty();
    }

    // ---------------------------------------------------------------- finding the unit

    private Unit unit(long offset) {
        Unit u = units.get(offset);
        if (u == null) {
            u = Unit.at(s, offset);
            units.put(offset, u);
        }
        return u;
    }

    /** The compile unit whose code holds {@code pc}, or null. */
    private Unit unitFor(long pc) {
        if (!hasDwarf()) {
            return null;
        }
        if (arangeStart == null) {
            readAranges();
        }
        int i = upperBound(arangeStart, pc) - 1;
        if (i >= 0 && pc < arangeEnd[i]) {
            long off = arangeUnit[i];
            if (off >= 0 && off < s.info.length()) {
                return unit(off);
            }
        }
        // No aranges entry: look at every unit's root DIE ranges (headers and one DIE each, nothing more).
        for (long off : unitOffsets()) {
            Unit u = unit(off);
            if (!u.isCompileUnit()) {
                continue;
            }
            for (AddressRange r : u.rootRanges()) {
                if (r.contains(pc)) {
                    return u;
                }
            }
        }
        return null;
    }

    private static int upperBound(long[] a, long key) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Offsets of every unit header in .debug_info (headers only). */
    private long[] unitOffsets() {
        if (unitOffsets == null) {
            List<Long> list = new ArrayList<>();
            long off = 0;
            while (off + 4 <= s.info.length()) {
                Unit u = unit(off);
                list.add(off);
                off = u.end;
            }
            long[] a = new long[list.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = list.get(i);
            }
            unitOffsets = a;
        }
        return unitOffsets;
    }

    private Unit unitContaining(long infoOffset) {
        long[] offs = unitOffsets();
        int i = upperBound(offs, infoOffset) - 1;
        if (i < 0) {
            return null;
        }
        Unit u = unit(offs[i]);
        return u.containsOffset(infoOffset) ? u : null;
    }

    private void readAranges() {
        List<long[]> entries = new ArrayList<>();
        ByteView a = s.aranges;
        long setOffset = 0;
        try {
            while (setOffset + 4 <= a.length()) {
                ByteCursor c = a.cursor((int) setOffset);
                long length = c.u32();
                if (length == 0xFFFF_FFFFL) {
                    throw DwarfSections.error(".debug_aranges", a, setOffset, "64-bit DWARF is not supported");
                }
                long next = setOffset + 4 + length;
                if (next > a.length()) {
                    throw DwarfSections.error(".debug_aranges", a, setOffset, "set length " + length + " runs past the end of the section");
                }
                int version = c.u16();
                long unitOffset = c.u32();
                int addressSize = c.u8();
                int segmentSize = c.u8();
                if (version != 2 || (addressSize != 4 && addressSize != 8) || segmentSize != 0) {
                    warnings.add(String.format(".debug_aranges set at 0x%x has version %d, address size %d, segment size %d: skipped",
                            setOffset, version, addressSize, segmentSize));
                    setOffset = next;
                    continue;
                }
                int tuple = 2 * addressSize;
                int pos = c.position();
                int rel = (int) (pos - setOffset);
                if (rel % tuple != 0) {
                    c.skip(tuple - rel % tuple);
                }
                while (c.position() + tuple <= next) {
                    long start = c.unsigned(addressSize);
                    long len = c.unsigned(addressSize);
                    if (start == 0 && len == 0) {
                        break;
                    }
                    if (len > 0 && s.keeps(start)) {
                        entries.add(new long[] {start, start + len, unitOffset});
                    }
                }
                setOffset = next;
            }
        } catch (FormatException e) {
            warnings.add("ignoring the rest of .debug_aranges: " + e.getMessage());
        }
        entries.sort((x, y) -> Long.compare(x[0], y[0]));
        arangeStart = new long[entries.size()];
        arangeEnd = new long[entries.size()];
        arangeUnit = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            arangeStart[i] = entries.get(i)[0];
            arangeEnd[i] = entries.get(i)[1];
            arangeUnit[i] = entries.get(i)[2];
        }
    }

    // ---------------------------------------------------------------- scopes

    private static boolean isFunction(int tag) {
        return tag == Dw.TAG_SUBPROGRAM || tag == Dw.TAG_INLINED_SUBROUTINE || tag == Dw.TAG_ENTRY_POINT;
    }

    private static boolean mayHoldCode(int tag) {
        return isFunction(tag) || tag == Dw.TAG_LEXICAL_BLOCK || tag == 0x39 /* namespace */ || tag == 0x1e /* module */;
    }

    /**
     * The function DIEs enclosing {@code pc}, innermost first, ending with the concrete subprogram. The innermost
     * scope is the first one, in the order gdb records blocks (children before parents), whose ranges hold pc;
     * a function without address attributes hides its children from gdb, a lexical block without them does not.
     */
    private List<Die> scopeChain(Unit u, long pc) {
        List<Die> dies = u.dies();
        int found = innermost(u, dies, 0, pc, 0);
        if (found < 0) {
            return List.of();
        }
        List<Die> chain = new ArrayList<>();
        for (int i = found; i >= 0; i = dies.get(i).parent) {
            Die d = dies.get(i);
            if (d.tag == Dw.TAG_SUBPROGRAM || d.tag == Dw.TAG_INLINED_SUBROUTINE || d.tag == Dw.TAG_ENTRY_POINT) {
                chain.add(d);
                if (d.tag != Dw.TAG_INLINED_SUBROUTINE) {
                    break;
                }
            }
        }
        return chain;
    }

    private int innermost(Unit u, List<Die> dies, int parent, long pc, int depth) {
        if (depth > MAX_SCOPE_DEPTH) {
            throw DwarfSections.error(".debug_info", s.info, dies.get(parent).offset,
                    "scopes nested more than " + MAX_SCOPE_DEPTH + " deep");
        }
        int end = dies.get(parent).end;
        for (int i = parent + 1; i < end; i = dies.get(i).end) {
            Die d = dies.get(i);
            if (!mayHoldCode(d.tag) || d.end == i + 1 && !isFunction(d.tag)) {
                continue;
            }
            boolean transparent;
            boolean covers = false;
            if (isFunction(d.tag) || d.has(Dw.AT_RANGES) || d.has(Dw.AT_LOW_PC)) {
                List<AddressRange> ranges = u.ranges(d);
                if (ranges.isEmpty()) {
                    if (isFunction(d.tag)) {
                        continue;
                    }
                    transparent = true;
                } else {
                    transparent = false;
                    for (AddressRange r : ranges) {
                        if (r.contains(pc)) {
                            covers = true;
                            break;
                        }
                    }
                }
            } else {
                transparent = true;
            }
            if (!transparent && !covers) {
                continue;
            }
            int inner = innermost(u, dies, i, pc, depth + 1);
            if (inner >= 0) {
                return inner;
            }
            if (covers && (isFunction(d.tag) || d.tag == Dw.TAG_LEXICAL_BLOCK)) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- names

    private record Located(Unit unit, Die die) {
    }

    /** Follows DW_AT_specification / DW_AT_abstract_origin from {@code d} to the DIE that has {@code attribute}. */
    private Located attributeOwner(Unit u, Die d, int attribute) {
        for (int hops = 0; hops < 16 && d != null; hops++) {
            if (d.has(attribute)) {
                return new Located(u, d);
            }
            long ref = u.reference(d, Dw.AT_SPECIFICATION);
            if (ref < 0) {
                ref = u.reference(d, Dw.AT_ABSTRACT_ORIGIN);
            }
            if (ref < 0) {
                return null;
            }
            Unit target = u.containsOffset(ref) ? u : unitContaining(ref);
            if (target == null) {
                throw DwarfSections.error(".debug_info", s.info, d.offset, String.format("reference to 0x%x points outside every unit", ref));
            }
            int idx = target.indexOf(ref);
            if (idx < 0) {
                throw DwarfSections.error(".debug_info", s.info, d.offset, String.format("reference to 0x%x is not the start of a DIE", ref));
            }
            u = target;
            d = target.dies().get(idx);
        }
        return null;
    }

    private String functionName(Unit u, Die d) {
        Located named = attributeOwner(u, d, Dw.AT_NAME);
        String name = named != null ? named.unit.string(named.die, Dw.AT_NAME) : null;
        return name != null ? name : ElfSymbolizer.UNKNOWN;
    }

    // ---------------------------------------------------------------- variables and types

    /** Types decoded so far, per DIE offset (recursive types refer back to the same instance). */
    private final Map<Long, DwarfType> types = new HashMap<>();
    /** A variable list longer than this is cut (a corrupt DIE tree cannot make us allocate without bound). */
    private static final int MAX_VARIABLES = 4096;

    /**
     * The variables of every source frame at {@code lookupPc}, in the order of {@link #frames} (innermost inlined
     * call first, the concrete function last): what gdb's {@code info args} and {@code info locals} list there.
     * Empty when no DWARF function covers the pc. Throws {@link FormatException} on corrupt DWARF.
     */
    public synchronized List<FrameScope> scopes(long lookupPc) {
        Unit u = unitFor(lookupPc);
        if (u == null) {
            return List.of();
        }
        List<Die> dies = u.dies();
        int found = innermost(u, dies, 0, lookupPc, 0);
        if (found < 0) {
            return List.of();
        }
        // Walk out from the innermost scope: blocks collect until the function (or inlined call) that owns them.
        List<List<Die>> blocksPerFunction = new ArrayList<>();
        List<Die> functions = new ArrayList<>();
        List<Die> blocks = new ArrayList<>();
        Die concrete = null;
        for (int i = found; i >= 0; i = dies.get(i).parent) {
            Die d = dies.get(i);
            if (d.tag == Dw.TAG_COMPILE_UNIT || d.tag == Dw.TAG_PARTIAL_UNIT) {
                break;
            }
            blocks.add(d);
            if (isFunction(d.tag)) {
                functions.add(d);
                blocksPerFunction.add(blocks);
                blocks = new ArrayList<>();
                if (d.tag != Dw.TAG_INLINED_SUBROUTINE) {
                    concrete = d;
                    break;
                }
            }
        }
        if (concrete == null) {
            return List.of();
        }
        FrameScope.Location frameBase = location(u, concrete, Dw.AT_FRAME_BASE, lookupPc);
        FrameScope.ExpressionUnit eu = expressionUnit(u);
        long entry = entryOf(u, concrete).orElse(-1);
        List<FrameScope> out = new ArrayList<>();
        for (int k = 0; k < functions.size(); k++) {
            Die f = functions.get(k);
            boolean inlined = f.tag == Dw.TAG_INLINED_SUBROUTINE;
            List<FrameScope.Variable> params = new ArrayList<>();
            List<FrameScope.Variable> locals = new ArrayList<>();
            for (Die block : blocksPerFunction.get(k)) {
                collect(u, dies, block, block == f, lookupPc, inlined ? -1 : entry, params, locals);
            }
            out.add(new FrameScope(functionName(u, f), inlined, inlined ? -1 : entry, params, locals, frameBase, eu));
        }
        return Collections.unmodifiableList(out);
    }

    private static FrameScope.ExpressionUnit expressionUnit(Unit u) {
        return new FrameScope.ExpressionUnit() {
            @Override
            public int addressSize() {
                return u.addressSize;
            }

            @Override
            public long indexedAddress(long index) {
                return u.indexedAddress(index);
            }
        };
    }

    /** The direct variable children of one block (parameters too for the function itself), then those it inherits. */
    private void collect(Unit u, List<Die> dies, Die block, boolean isFunction, long pc, long entryPc, List<FrameScope.Variable> params,
                         List<FrameScope.Variable> locals) {
        int index = u.indexOf(block.offset);
        java.util.Set<Long> concreteOrigins = new java.util.HashSet<>();
        List<FrameScope.Variable> blockLocals = new ArrayList<>();
        List<Die> children = new ArrayList<>();
        addVariableChildren(dies, index, block, children, 0, java.util.Set.of());
        // the abstract DIEs the block's direct children stand for; gdb inherits every other child of the abstract
        // instance, even one a nested concrete block refers to (so it may list a variable twice, as gdb does)
        for (int i = index + 1; i < block.end && i < dies.size(); i = dies.get(i).end) {
            long origin = u.reference(dies.get(i), Dw.AT_ABSTRACT_ORIGIN);
            if (origin >= 0) {
                concreteOrigins.add(origin);
            }
        }
        for (Die d : children) {
            if (d.tag != Dw.TAG_VARIABLE && !(isFunction && d.tag == Dw.TAG_FORMAL_PARAMETER)) {
                continue;
            }
            FrameScope.Variable v = variable(u, d, pc, d.tag == Dw.TAG_FORMAL_PARAMETER ? entryPc : -1);
            if (v == null) {
                continue;
            }
            (d.tag == Dw.TAG_FORMAL_PARAMETER ? params : blockLocals).add(v);
            if (params.size() + locals.size() + blockLocals.size() > MAX_VARIABLES) {
                throw DwarfSections.error(".debug_info", s.info, block.offset, "more than " + MAX_VARIABLES + " variables in one scope");
            }
        }
        // gdb adds the abstract instance's children that the concrete one leaves out (optimized away entirely).
        long abstractRef = u.reference(block, Dw.AT_ABSTRACT_ORIGIN);
        if (abstractRef >= 0) {
            Located a = dieAt(u, block, abstractRef);
            List<Die> adies = a.unit.dies();
            int ai = a.unit.indexOf(a.die.offset);
            List<Die> abstractChildren = new ArrayList<>();
            addVariableChildren(adies, ai, a.die, abstractChildren, 0, concreteOrigins);
            for (Die d : abstractChildren) {
                if (d.tag != Dw.TAG_VARIABLE && !(isFunction && d.tag == Dw.TAG_FORMAL_PARAMETER) || concreteOrigins.contains(d.offset)) {
                    continue;
                }
                FrameScope.Variable v = variable(a.unit, d, pc, -1);
                if (v != null) {
                    (d.tag == Dw.TAG_FORMAL_PARAMETER ? params : blockLocals).add(v);
                }
            }
        }
        locals.addAll(blockLocals);
    }

    /**
     * The children of a block, with those of nested lexical blocks that have no address range: gdb puts the variables
     * of such a block (a scope with only a static in it, an abstract block the concrete instance left out) into the
     * enclosing block.
     */
    private static void addVariableChildren(List<Die> dies, int index, Die block, List<Die> out, int depth, java.util.Set<Long> skip) {
        for (int i = index + 1; i < block.end && i < dies.size(); i = dies.get(i).end) {
            Die d = dies.get(i);
            if (skip.contains(d.offset)) {
                continue;
            }
            if (d.tag == Dw.TAG_LEXICAL_BLOCK && !d.has(Dw.AT_LOW_PC) && !d.has(Dw.AT_RANGES) && depth < MAX_SCOPE_DEPTH) {
                addVariableChildren(dies, i, d, out, depth + 1, skip);
            } else {
                out.add(d);
            }
            if (out.size() > MAX_VARIABLES) {
                return;
            }
        }
    }

    /** One variable DIE: its name and type through DW_AT_abstract_origin, and its location at pc; null if unnamed. */
    private FrameScope.Variable variable(Unit u, Die d, long pc, long entryPc) {
        Located named = attributeOwner(u, d, Dw.AT_NAME);
        if (named == null) {
            return null;
        }
        String name = named.unit.string(named.die, Dw.AT_NAME);
        if (name == null) {
            return null;
        }
        Located typed = attributeOwner(u, d, Dw.AT_TYPE);
        DwarfType type = typed == null ? DwarfType.VOID : typeAt(typed.unit, typed.die, Dw.AT_TYPE, 0);
        FrameScope.Location loc = FrameScope.Location.OPTIMIZED_OUT;
        FrameScope.Location atEntry = FrameScope.Location.OPTIMIZED_OUT;
        if (d.has(Dw.AT_LOCATION)) {
            loc = location(u, d, Dw.AT_LOCATION, pc);
            if (entryPc >= 0) {
                atEntry = location(u, d, Dw.AT_LOCATION, entryPc);
            }
        } else {
            Located c = attributeOwner(u, d, Dw.AT_CONST_VALUE);
            if (c != null) {
                loc = constant(c.unit, c.die);
            } else {
                Located l = attributeOwner(u, d, Dw.AT_LOCATION);
                if (l != null) {
                    loc = location(l.unit, l.die, Dw.AT_LOCATION, pc);
                }
            }
        }
        return new FrameScope.Variable(name, type, loc, atEntry);
    }

    private static FrameScope.Location location(Unit u, Die d, int attribute, long pc) {
        Unit.LocationAtPc at = u.locationAt(d, attribute, pc);
        if (!at.present() || at.expression() == null || at.expression().length() == 0) {
            return FrameScope.Location.OPTIMIZED_OUT;
        }
        return new FrameScope.Location(FrameScope.Location.Kind.EXPRESSION, at.expression(), 0);
    }

    private static FrameScope.Location constant(Unit u, Die d) {
        int i = d.find(Dw.AT_CONST_VALUE);
        int form = d.forms[i];
        switch (form) {
            case Dw.FORM_BLOCK, Dw.FORM_BLOCK1, Dw.FORM_BLOCK2, Dw.FORM_BLOCK4, Dw.FORM_EXPRLOC:
                return new FrameScope.Location(FrameScope.Location.Kind.CONSTANT_BYTES, u.block(d, Dw.AT_CONST_VALUE), 0);
            case Dw.FORM_DATA16:
                return new FrameScope.Location(FrameScope.Location.Kind.CONSTANT_BYTES, u.infoBytes(d.values[i], 16), 0);
            case Dw.FORM_STRING, Dw.FORM_STRP, Dw.FORM_LINE_STRP, Dw.FORM_STRX, Dw.FORM_STRX1, Dw.FORM_STRX2, Dw.FORM_STRX3, Dw.FORM_STRX4: {
                String text = u.string(d, Dw.AT_CONST_VALUE);
                byte[] b = (text == null ? "" : text).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                byte[] z = java.util.Arrays.copyOf(b, b.length + 1);
                return new FrameScope.Location(FrameScope.Location.Kind.CONSTANT_BYTES, ByteView.of(z), 0);
            }
            default:
                return new FrameScope.Location(FrameScope.Location.Kind.CONSTANT_NUMBER, null, d.values[i]);
        }
    }

    /** The type an attribute of {@code d} refers to; DW_AT_type absent means void. */
    private DwarfType typeAt(Unit u, Die d, int attribute, int depth) {
        long ref = u.reference(d, attribute);
        if (ref < 0) {
            return DwarfType.VOID;
        }
        return type(u, d, ref, depth);
    }

    private DwarfType type(Unit from, Die referrer, long ref, int depth) {
        DwarfType known = types.get(ref);
        if (known != null) {
            return known;
        }
        if (depth > 64) {
            return DwarfType.UNKNOWN;
        }
        Located t = dieAt(from, referrer, ref);
        Unit u = t.unit;
        Die d = t.die;
        String name = u.string(d, Dw.AT_NAME);
        long size = u.constant(d, Dw.AT_BYTE_SIZE, -1);
        int encoding = (int) u.constant(d, Dw.AT_ENCODING, 0);
        DwarfType.Kind kind;
        switch (d.tag) {
            case Dw.TAG_BASE_TYPE -> kind = DwarfType.Kind.BASE;
            case Dw.TAG_POINTER_TYPE -> kind = DwarfType.Kind.POINTER;
            case Dw.TAG_REFERENCE_TYPE -> kind = DwarfType.Kind.REFERENCE;
            case Dw.TAG_STRUCTURE_TYPE -> kind = DwarfType.Kind.STRUCT;
            case Dw.TAG_CLASS_TYPE -> kind = DwarfType.Kind.CLASS;
            case Dw.TAG_UNION_TYPE -> kind = DwarfType.Kind.UNION;
            case Dw.TAG_ARRAY_TYPE -> kind = DwarfType.Kind.ARRAY;
            case Dw.TAG_ENUMERATION_TYPE -> kind = DwarfType.Kind.ENUM;
            case Dw.TAG_TYPEDEF -> kind = DwarfType.Kind.TYPEDEF;
            case Dw.TAG_CONST_TYPE -> kind = DwarfType.Kind.CONST;
            case Dw.TAG_VOLATILE_TYPE -> kind = DwarfType.Kind.VOLATILE;
            case Dw.TAG_RESTRICT_TYPE -> kind = DwarfType.Kind.RESTRICT;
            case Dw.TAG_ATOMIC_TYPE -> kind = DwarfType.Kind.ATOMIC;
            case Dw.TAG_SUBROUTINE_TYPE -> kind = DwarfType.Kind.FUNCTION;
            case Dw.TAG_UNSPECIFIED_TYPE -> kind = DwarfType.Kind.VOID;
            default -> kind = DwarfType.Kind.UNKNOWN;
        }
        int dieIndex = u.indexOf(d.offset);
        DwarfType type = new DwarfType(kind, name, size, encoding,
                () -> {
                    synchronized (this) {
                        return typeAt(u, d, Dw.AT_TYPE, depth + 1);
                    }
                },
                () -> {
                    synchronized (this) {
                        return members(u, d, dieIndex, depth);
                    }
                },
                () -> {
                    synchronized (this) {
                        return enumerators(u, d, dieIndex);
                    }
                },
                () -> {
                    synchronized (this) {
                        return dimensions(u, d, dieIndex);
                    }
                },
                () -> {
                    synchronized (this) {
                        return parameterTypes(u, d, dieIndex, depth);
                    }
                },
                hasChild(u, dieIndex, Dw.TAG_UNSPECIFIED_PARAMETERS), u.constant(d, Dw.AT_PROTOTYPED, 0) != 0);
        types.put(ref, type);
        return type;
    }

    private static boolean hasChild(Unit u, int index, int tag) {
        List<Die> dies = u.dies();
        Die d = dies.get(index);
        for (int i = index + 1; i < d.end && i < dies.size(); i = dies.get(i).end) {
            if (dies.get(i).tag == tag) {
                return true;
            }
        }
        return false;
    }

    private List<DwarfType.Member> members(Unit u, Die d, int index, int depth) {
        List<DwarfType.Member> out = new ArrayList<>();
        List<Die> dies = u.dies();
        long structSize = u.constant(d, Dw.AT_BYTE_SIZE, -1);
        for (int i = index + 1; i < d.end && i < dies.size(); i = dies.get(i).end) {
            Die m = dies.get(i);
            if (m.tag != Dw.TAG_MEMBER) {
                continue;
            }
            DwarfType mt = typeAt(u, m, Dw.AT_TYPE, depth + 1);
            long byteOffset = u.constant(m, Dw.AT_DATA_MEMBER_LOCATION, 0);
            int bitSize = (int) u.constant(m, Dw.AT_BIT_SIZE, 0);
            int bitOffset = 0;
            if (m.has(Dw.AT_DATA_BIT_OFFSET)) {
                long dbo = u.constant(m, Dw.AT_DATA_BIT_OFFSET, 0);
                byteOffset = dbo / 8;
                bitOffset = (int) (dbo % 8);
            } else if (bitSize > 0 && m.has(Dw.AT_BIT_OFFSET)) {
                // DWARF 2/3 bit offset: from the most significant bit of the storage unit (little endian here)
                long unit = u.constant(m, Dw.AT_BYTE_SIZE, mt.byteSize());
                long msbOffset = u.constant(m, Dw.AT_BIT_OFFSET, 0);
                long fromLsb = unit * 8 - msbOffset - bitSize;
                byteOffset += fromLsb / 8;
                bitOffset = (int) (fromLsb % 8);
            }
            out.add(new DwarfType.Member(u.string(m, Dw.AT_NAME), mt, byteOffset, bitSize, bitOffset));
            if (out.size() > MAX_VARIABLES) {
                break;
            }
        }
        return out;
    }

    private List<DwarfType.Enumerator> enumerators(Unit u, Die d, int index) {
        List<DwarfType.Enumerator> out = new ArrayList<>();
        List<Die> dies = u.dies();
        for (int i = index + 1; i < d.end && i < dies.size(); i = dies.get(i).end) {
            Die e = dies.get(i);
            if (e.tag == Dw.TAG_ENUMERATOR) {
                out.add(new DwarfType.Enumerator(u.string(e, Dw.AT_NAME), u.constant(e, Dw.AT_CONST_VALUE, 0)));
                if (out.size() > MAX_VARIABLES) {
                    break;
                }
            }
        }
        return out;
    }

    private List<DwarfType.Dimension> dimensions(Unit u, Die d, int index) {
        List<DwarfType.Dimension> out = new ArrayList<>();
        List<Die> dies = u.dies();
        for (int i = index + 1; i < d.end && i < dies.size(); i = dies.get(i).end) {
            Die r = dies.get(i);
            if (r.tag != Dw.TAG_SUBRANGE_TYPE) {
                continue;
            }
            long lower = u.constant(r, Dw.AT_LOWER_BOUND, 0);
            long count = -1;
            boolean runTime = false;
            if (r.has(Dw.AT_COUNT) && isConstantForm(r, Dw.AT_COUNT)) {
                count = u.constant(r, Dw.AT_COUNT, -1);
            } else if (r.has(Dw.AT_UPPER_BOUND) && isConstantForm(r, Dw.AT_UPPER_BOUND)) {
                count = u.constant(r, Dw.AT_UPPER_BOUND, -1) - lower + 1;
            } else if (r.has(Dw.AT_COUNT) || r.has(Dw.AT_UPPER_BOUND)) {
                // a reference to a variable or an expression: a variable-length array (GCC refers to an artificial
                // local that holds the upper bound)
                runTime = true;
            }
            out.add(new DwarfType.Dimension(lower, runTime ? DwarfType.Dimension.RUN_TIME : count < 0 ? -1 : count));
            if (out.size() > 16) { // hostile DWARF: no more dimensions than any C type has, run-time ones included
                break;
            }
        }
        return out;
    }

    private static boolean isConstantForm(Die d, int name) {
        int form = d.forms[d.find(name)];
        return form == Dw.FORM_DATA1 || form == Dw.FORM_DATA2 || form == Dw.FORM_DATA4 || form == Dw.FORM_DATA8
                || form == Dw.FORM_SDATA || form == Dw.FORM_UDATA || form == Dw.FORM_IMPLICIT_CONST;
    }

    private List<DwarfType> parameterTypes(Unit u, Die d, int index, int depth) {
        List<DwarfType> out = new ArrayList<>();
        List<Die> dies = u.dies();
        for (int i = index + 1; i < d.end && i < dies.size(); i = dies.get(i).end) {
            Die p = dies.get(i);
            if (p.tag == Dw.TAG_FORMAL_PARAMETER) {
                out.add(typeAt(u, p, Dw.AT_TYPE, depth + 1));
                if (out.size() > 256) {
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The parameters the call site returning to {@code returnPc} passes (for gdb's entry values, {@code name@entry}).
     * Empty when DWARF describes no call site there.
     */
    public synchronized Optional<CallSiteValues> callSiteValues(long returnPc) {
        Unit u = unitFor(returnPc - 1);
        if (u == null) {
            return Optional.empty();
        }
        CallSite site = callSites(u).byReturnPc.get(returnPc);
        if (site == null) {
            return Optional.empty();
        }
        List<Die> dies = u.dies();
        Die siteDie = null;
        for (Die d : dies) {
            if ((d.tag == Dw.TAG_CALL_SITE || d.tag == Dw.TAG_GNU_CALL_SITE)) {
                int attr = d.has(Dw.AT_CALL_RETURN_PC) ? Dw.AT_CALL_RETURN_PC : Dw.AT_LOW_PC;
                if (d.has(attr) && u.address(d, attr) == returnPc) {
                    siteDie = d;
                    break;
                }
            }
        }
        if (siteDie == null) {
            return Optional.empty();
        }
        List<CallSiteValues.Parameter> params = new ArrayList<>();
        int index = u.indexOf(siteDie.offset);
        for (int i = index + 1; i < siteDie.end && i < dies.size(); i = dies.get(i).end) {
            Die p = dies.get(i);
            if (p.tag != Dw.TAG_CALL_SITE_PARAMETER && p.tag != Dw.TAG_GNU_CALL_SITE_PARAMETER) {
                continue;
            }
            ByteView loc = u.block(p, Dw.AT_LOCATION);
            ByteView value = u.block(p, p.has(Dw.AT_CALL_VALUE) ? Dw.AT_CALL_VALUE : Dw.AT_GNU_CALL_SITE_VALUE);
            if (loc != null && value != null) {
                params.add(new CallSiteValues.Parameter(loc, value));
            }
        }
        return Optional.of(new CallSiteValues(site.target(), params, expressionUnit(u)));
    }

    /** Units decoded so far (for the benchmark and tests: laziness is observable). */
    synchronized int decodedUnits() {
        int n = 0;
        for (Unit u : units.values()) {
            if (u.diesLoaded()) {
                n++;
            }
        }
        return n;
    }

    synchronized int knownUnits() {
        return units.size();
    }
}
