package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 */
public final class DebugInfo implements Symbolizer {
    private static final int MAX_SCOPE_DEPTH = 512;
    private final DwarfSections s;
    private final ElfSymbolizer fallback;
    private final Map<Long, Unit> units = new HashMap<>();
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
                    if (len > 0 && (start != 0 || s.sectionAtZero)) {
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
