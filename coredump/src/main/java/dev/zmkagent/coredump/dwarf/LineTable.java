package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One unit's line number program (DWARF 2–5 headers), run through the state machine and recorded the way gdb
 * records it, so that {@link #lookup} answers what gdb answers for {@code info line *ADDR} and frame locations.
 *
 * <p>gdb keeps one table per source file ("subfile"): a row switching to another file closes the previous file's
 * run with a line-0 end marker at that address; an end marker removes earlier rows of that file at the same
 * address; consecutive rows for the same line are coalesced only when the line had a non-zero discriminator; a
 * non-statement row that switches file at an address that already had a statement row is dropped; sequences that
 * the linker left at address 0 (discarded functions) are ignored. A lookup takes, over all files, the row with the
 * greatest address not above the pc (the first file in gdb's order wins ties), preferring a statement row among
 * rows at that same address. A line-0 answer means "no line".
 */
final class LineTable {
    private static final String LINE = ".debug_line";

    /** A file of the line table as gdb names it: the path gdb prints, and the key it matches files by. */
    record FileName(String name, String directory) {
    }

    /** The answer for one address. */
    record Row(String file, String directory, int line, long address, boolean isStmt) {
    }

    private final int version;
    private final List<String> dirs;
    private final List<String[]> files; // {name, dirIndex}
    private final String compDir;
    private final List<Subfile> subfiles = new ArrayList<>();
    private final Map<String, Subfile> byId = new HashMap<>();
    private Subfile[] order;

    private static final class Subfile {
        final String name;
        final int created;
        long[] pc = new long[16];
        int[] line = new int[16];
        boolean[] stmt = new boolean[16];
        int size;

        Subfile(String name, int created) {
            this.name = name;
            this.created = created;
        }

        void record(int ln, long address, boolean isStmt) {
            if (ln == 0) {
                Integer lastLine = null;
                while (size > 0) {
                    lastLine = line[size - 1];
                    if (pc[size - 1] != address) {
                        break;
                    }
                    size--;
                }
                if (lastLine == null || lastLine == 0) {
                    return;
                }
            }
            if (size == pc.length) {
                pc = Arrays.copyOf(pc, size * 2);
                line = Arrays.copyOf(line, size * 2);
                stmt = Arrays.copyOf(stmt, size * 2);
            }
            pc[size] = address;
            line[size] = ln;
            stmt[size] = isStmt;
            size++;
        }

        /** Stable sort by address, end markers first among rows at one address (gdb's order). */
        void sort() {
            long[] keys = new long[size];
            for (int i = 0; i < size; i++) {
                keys[i] = ((pc[i] & 0xFFFF_FFFFL) << 32 | (line[i] != 0 ? 1L << 31 : 0) | i) ^ Long.MIN_VALUE;
            }
            Arrays.sort(keys);
            long[] p = new long[size];
            int[] l = new int[size];
            boolean[] st = new boolean[size];
            for (int k = 0; k < size; k++) {
                int i = (int) ((keys[k] ^ Long.MIN_VALUE) & 0x7FFF_FFFFL);
                p[k] = pc[i];
                l[k] = line[i];
                st[k] = stmt[i];
            }
            pc = p;
            line = l;
            stmt = st;
        }
    }

    private LineTable(int version, List<String> dirs, List<String[]> files, String compDir) {
        this.version = version;
        this.dirs = dirs;
        this.files = files;
        this.compDir = compDir;
    }

    // ---------------------------------------------------------------- file names

    private String includeDir(long index) {
        long i = version >= 5 ? index : index - 1;
        return i >= 0 && i < dirs.size() ? dirs.get((int) i) : null;
    }

    private String[] fileEntry(long index) {
        long i = version >= 5 ? index : index - 1;
        return i >= 0 && i < files.size() ? files.get((int) i) : null;
    }

    /** The path gdb shows for file {@code index} (DWARF 5: 0-based, 0 is the primary file; before: 1-based). */
    FileName fileName(long index) {
        String[] e = fileEntry(index);
        if (e == null) {
            return null;
        }
        String path = pathOf(e);
        return new FileName(subfileFor(path).name, compDir);
    }

    private String pathOf(String[] entry) {
        String name = entry[0];
        String dir = includeDir(Long.parseLong(entry[1]));
        if (isAbsolute(name) || dir == null || dir.isEmpty()) {
            return name;
        }
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    private static boolean isAbsolute(String p) {
        return p.startsWith("/") || (p.length() > 2 && p.charAt(1) == ':' && (p.charAt(2) == '/' || p.charAt(2) == '\\'));
    }

    private String idOf(String path) {
        if (isAbsolute(path) || compDir == null || compDir.isEmpty()) {
            return path;
        }
        return compDir.endsWith("/") ? compDir + path : compDir + "/" + path;
    }

    /** gdb's start_subfile: files are matched by their absolute form; the first spelling seen names the file. */
    private Subfile subfileFor(String path) {
        String id = idOf(path);
        Subfile f = byId.get(id);
        if (f == null) {
            f = new Subfile(path, subfiles.size());
            subfiles.add(f);
            byId.put(id, f);
            order = null;
        }
        return f;
    }

    // ---------------------------------------------------------------- lookup

    /** gdb's find_pc_line for {@code pc}; null when gdb would have no line for it. */
    Row lookup(long pc) {
        if (order == null) {
            // gdb's file order: the primary file first, then the others, most recently created first.
            Subfile[] o = new Subfile[subfiles.size()];
            int k = 0;
            if (!subfiles.isEmpty()) {
                o[k++] = subfiles.get(0);
            }
            for (int i = subfiles.size() - 1; i >= 1; i--) {
                o[k++] = subfiles.get(i);
            }
            order = o;
        }
        Subfile bestFile = null;
        int best = -1;
        for (Subfile f : order) {
            if (f.size == 0) {
                continue;
            }
            int i = upperBound(f.pc, f.size, pc);
            if (i == 0) {
                continue;
            }
            int prev = i - 1;
            if (f.line[prev] != 0 && (bestFile == null || f.pc[prev] > bestFile.pc[best])) {
                bestFile = f;
                best = prev;
                if (!f.stmt[best]) {
                    int t = best;
                    while (t > 0 && f.pc[t - 1] == f.pc[t] && f.line[t - 1] != 0 && !f.stmt[t]) {
                        t--;
                    }
                    if (f.stmt[t]) {
                        best = t;
                    }
                }
            }
        }
        if (bestFile == null || bestFile.line[best] == 0) {
            return null;
        }
        return new Row(bestFile.name, compDir, bestFile.line[best], bestFile.pc[best], bestFile.stmt[best]);
    }

    private static int upperBound(long[] a, int n, long key) {
        int lo = 0;
        int hi = n;
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

    /** Every recorded row, file by file in gdb's order (for tests and diagnostics). */
    List<Row> rows() {
        lookup(0);
        List<Row> out = new ArrayList<>();
        for (Subfile f : order) {
            for (int i = 0; i < f.size; i++) {
                out.add(new Row(f.name, compDir, f.line[i], f.pc[i], f.stmt[i]));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses the line program at {@code offset} of .debug_line for {@code unit} (which supplies the primary file
     * name, the compilation directory, string offsets and the lowest pc); {@code unit} may be null in tests.
     */
    static LineTable parse(DwarfSections s, long offset, int addressSize, Unit unit) {
        ByteView sec = s.line;
        if (offset < 0 || offset >= sec.length()) {
            throw DwarfSections.error(LINE, sec, Math.max(0, offset), "line program offset is past the end of the section ("
                    + sec.length() + " bytes)");
        }
        try {
            return parseChecked(s, offset, addressSize, unit);
        } catch (FormatException e) {
            if (e.getMessage().startsWith(LINE)) {
                throw e;
            }
            throw DwarfSections.within(LINE, "line program", offset, e);
        }
    }

    private static LineTable parseChecked(DwarfSections s, long offset, int addressSize, Unit unit) {
        ByteView sec = s.line;
        ByteCursor c = sec.cursor((int) offset);
        long length = c.u32();
        if (length == 0xFFFF_FFFFL) {
            throw DwarfSections.error(LINE, sec, offset, "line program uses the 64-bit DWARF format, which zmk-agent does not read");
        }
        if (!sec.has(offset + 4, length)) {
            throw DwarfSections.error(LINE, sec, offset, String.format("line program length %d runs past the end of the section (%d bytes)",
                    length, sec.length()));
        }
        ByteView program = sec.slice(offset, 4 + length);
        c = program.cursor(4);
        int version = c.u16();
        if (version < 2 || version > 5) {
            throw DwarfSections.error(LINE, sec, offset, "unsupported line table version " + version + " (expected 2 to 5)");
        }
        if (version >= 5) {
            addressSize = c.u8();
            c.u8(); // segment selector size
        }
        long headerLength = c.u32();
        int programStart = c.position();
        if (headerLength > c.remaining()) {
            throw DwarfSections.error(LINE, sec, offset, "header length " + headerLength + " runs past the end of the line program");
        }
        programStart += (int) headerLength;
        int minInst = c.u8();
        int maxOps = version >= 4 ? c.u8() : 1;
        if (maxOps == 0) {
            throw DwarfSections.error(LINE, sec, offset, "maximum_operations_per_instruction is 0");
        }
        boolean defaultIsStmt = c.u8() != 0;
        int lineBase = (byte) c.u8();
        int lineRange = c.u8();
        if (lineRange == 0) {
            throw DwarfSections.error(LINE, sec, offset, "line_range is 0");
        }
        int opcodeBase = c.u8();
        int[] standardLengths = new int[Math.max(opcodeBase, 1)];
        for (int i = 1; i < opcodeBase; i++) {
            standardLengths[i] = c.u8();
        }
        List<String> dirs = new ArrayList<>();
        List<String[]> files = new ArrayList<>();
        if (version >= 5) {
            readEntries(c, s, unit, dirs, null);
            readEntries(c, s, unit, null, files);
        } else {
            while (true) {
                String d = c.cString();
                if (d.isEmpty()) {
                    break;
                }
                dirs.add(d);
            }
            while (true) {
                String f = c.cString();
                if (f.isEmpty()) {
                    break;
                }
                long dir = c.uleb128();
                c.uleb128();
                c.uleb128();
                files.add(new String[] {f, Long.toString(dir)});
            }
        }
        String compDir = unit != null ? unit.compDir() : null;
        LineTable t = new LineTable(version, dirs, files, compDir);
        // gdb opens the unit's primary file first, under the unit's DW_AT_name.
        String primary = unit != null ? unit.name() : null;
        if (primary != null) {
            t.subfileFor(primary);
        }
        long lowestPc = unit != null ? unit.lowestPc() : 0;
        c.seek(programStart);
        t.run(c, version, addressSize, minInst, maxOps, defaultIsStmt, lineBase, lineRange, opcodeBase, standardLengths,
                lowestPc, s, sec, offset);
        for (Subfile f : t.subfiles) {
            f.sort();
        }
        return t;
    }

    /** DWARF 5 directory or file name table: entry formats, then the entries. */
    private static void readEntries(ByteCursor c, DwarfSections s, Unit unit, List<String> dirs, List<String[]> files) {
        int formatCount = c.u8();
        long[] types = new long[formatCount];
        int[] forms = new int[formatCount];
        for (int i = 0; i < formatCount; i++) {
            types[i] = c.uleb128();
            forms[i] = (int) c.uleb128();
        }
        long count = c.uleb128();
        for (long n = 0; n < count; n++) {
            String path = null;
            long dir = 0;
            for (int i = 0; i < formatCount; i++) {
                int form = forms[i];
                if (types[i] == Dw.LNCT_PATH) {
                    path = entryString(c, s, unit, form);
                } else if (types[i] == Dw.LNCT_DIRECTORY_INDEX) {
                    dir = entryNumber(c, form);
                } else {
                    skipEntryValue(c, s, unit, form);
                }
            }
            if (path == null) {
                path = "";
            }
            if (dirs != null) {
                dirs.add(path);
            } else {
                files.add(new String[] {path, Long.toString(dir)});
            }
        }
    }

    private static String entryString(ByteCursor c, DwarfSections s, Unit unit, int form) {
        switch (form) {
            case Dw.FORM_STRING:
                return c.cString();
            case Dw.FORM_LINE_STRP:
                return Unit.stringAt(s.lineStr, ".debug_line_str", c.u32());
            case Dw.FORM_STRP:
                return Unit.stringAt(s.str, ".debug_str", c.u32());
            case Dw.FORM_STRX, Dw.FORM_STRX1, Dw.FORM_STRX2, Dw.FORM_STRX3, Dw.FORM_STRX4: {
                long index = entryNumber(c, form);
                if (unit == null) {
                    throw new FormatException("string index form in a line table without a unit", c.absolutePosition());
                }
                return unit.indexedString(index);
            }
            default:
                throw new FormatException(String.format("unsupported form 0x%x for a line table path", form), c.absolutePosition());
        }
    }

    private static long entryNumber(ByteCursor c, int form) {
        switch (form) {
            case Dw.FORM_DATA1, Dw.FORM_STRX1:
                return c.u8();
            case Dw.FORM_DATA2, Dw.FORM_STRX2:
                return c.u16();
            case Dw.FORM_STRX3: {
                int lo = c.u16();
                return lo | (long) c.u8() << 16;
            }
            case Dw.FORM_DATA4, Dw.FORM_STRX4:
                return c.u32();
            case Dw.FORM_DATA8:
                return c.u64();
            case Dw.FORM_UDATA, Dw.FORM_STRX:
                return c.uleb128();
            default:
                throw new FormatException(String.format("unsupported form 0x%x for a line table number", form), c.absolutePosition());
        }
    }

    private static void skipEntryValue(ByteCursor c, DwarfSections s, Unit unit, int form) {
        switch (form) {
            case Dw.FORM_DATA16 -> c.skip(16);
            case Dw.FORM_BLOCK -> c.skip(c.uleb128());
            case Dw.FORM_STRING, Dw.FORM_LINE_STRP, Dw.FORM_STRP -> entryString(c, s, unit, form);
            default -> entryNumber(c, form);
        }
    }

    // ---------------------------------------------------------------- state machine

    private void run(ByteCursor c, int version, int addressSize, int minInst, int maxOps, boolean defaultIsStmt, int lineBase,
            int lineRange, int opcodeBase, int[] standardLengths, long lowestPc, DwarfSections dw, ByteView sec, long tableOffset) {
        while (c.hasRemaining()) {
            Machine m = new Machine(defaultIsStmt);
            m.current = subfileOf(m.file);
            boolean ended = false;
            while (c.hasRemaining() && !ended) {
                int op = c.u8();
                if (op >= opcodeBase) {
                    int adjusted = op - opcodeBase;
                    m.advance(adjusted / lineRange, minInst, maxOps);
                    m.advanceLine(lineBase + adjusted % lineRange);
                    recordRow(m, false);
                    m.discriminator = 0;
                    continue;
                }
                switch (op) {
                    case 0: {
                        long len = c.uleb128();
                        if (len == 0 || len > c.remaining()) {
                            throw DwarfSections.error(LINE, sec, c.position() - 1 + tableOffset - 0,
                                    "extended opcode length " + len + " runs past the end of the line program");
                        }
                        int end = c.position() + (int) len;
                        int sub = c.u8();
                        switch (sub) {
                            case Dw.LNE_END_SEQUENCE:
                                ended = true;
                                break;
                            case Dw.LNE_SET_ADDRESS: {
                                int size = (int) len - 1;
                                long address = c.unsigned(size == 1 || size == 2 || size == 4 || size == 8 ? size : addressSize);
                                if (!dw.keeps(address) || (address == 0 && address < lowestPc)) {
                                    m.recording = false; // a function the linker discarded (0 or a tombstone)
                                }
                                m.address = address;
                                m.opIndex = 0;
                                break;
                            }
                            case Dw.LNE_DEFINE_FILE: {
                                String name = c.cString();
                                long dir = c.uleb128();
                                c.uleb128();
                                c.uleb128();
                                files.add(new String[] {name, Long.toString(dir)});
                                break;
                            }
                            case Dw.LNE_SET_DISCRIMINATOR:
                                m.discriminator = c.uleb128();
                                m.lineHasNonZeroDiscriminator |= m.discriminator != 0;
                                break;
                            default:
                                break; // vendor or unknown: skipped by its length
                        }
                        c.seek(end);
                        break;
                    }
                    case Dw.LNS_COPY:
                        recordRow(m, false);
                        m.discriminator = 0;
                        break;
                    case Dw.LNS_ADVANCE_PC:
                        m.advance(c.uleb128(), minInst, maxOps);
                        break;
                    case Dw.LNS_ADVANCE_LINE:
                        m.advanceLine(c.sleb128());
                        break;
                    case Dw.LNS_SET_FILE: {
                        m.file = c.uleb128();
                        String[] e = fileEntry(m.file);
                        if (e != null) {
                            m.lineHasNonZeroDiscriminator = m.discriminator != 0;
                            m.current = subfileFor(pathOf(e));
                        }
                        break;
                    }
                    case Dw.LNS_SET_COLUMN:
                        c.uleb128();
                        break;
                    case Dw.LNS_NEGATE_STMT:
                        m.isStmt = !m.isStmt;
                        break;
                    case Dw.LNS_SET_BASIC_BLOCK, Dw.LNS_SET_PROLOGUE_END, Dw.LNS_SET_EPILOGUE_BEGIN:
                        break;
                    case Dw.LNS_CONST_ADD_PC:
                        m.advance((255 - opcodeBase) / lineRange, minInst, maxOps);
                        break;
                    case Dw.LNS_FIXED_ADVANCE_PC:
                        m.address += c.u16();
                        m.opIndex = 0;
                        break;
                    default:
                        for (int i = 0; i < standardLengths[op]; i++) {
                            c.uleb128();
                        }
                        break;
                }
            }
            // An end_sequence, or the program ran out: gdb closes the sequence either way.
            recordRow(m, true);
        }
    }

    private Subfile subfileOf(long fileIndex) {
        String[] e = fileEntry(fileIndex);
        return e == null ? null : subfileFor(pathOf(e));
    }

    private static final class Machine {
        long address;
        long opIndex;
        long file = 1;
        long line = 1;
        boolean isStmt;
        long discriminator;
        boolean lineHasNonZeroDiscriminator;
        boolean recording = true;
        Subfile current;
        Subfile lastSubfile;
        long lastLine;
        long lastAddress;
        boolean stmtAtAddress;

        Machine(boolean defaultIsStmt) {
            isStmt = defaultIsStmt;
        }

        void advance(long operationAdvance, int minInst, int maxOps) {
            if (maxOps == 1) {
                address += minInst * operationAdvance;
            } else {
                address += minInst * ((opIndex + operationAdvance) / maxOps);
                opIndex = (opIndex + operationAdvance) % maxOps;
            }
            address &= 0xFFFF_FFFFL;
        }

        void advanceLine(long delta) {
            line += delta;
            if (delta != 0) {
                lineHasNonZeroDiscriminator = discriminator != 0;
            }
        }
    }

    private void recordRow(Machine m, boolean endSequence) {
        String[] fe = fileEntry(m.file);
        if (fe != null && (m.opIndex == 0 || endSequence)) {
            boolean fileChanged = m.lastSubfile != m.current;
            boolean ignore = (fileChanged && !endSequence && m.lastAddress == m.address && !m.isStmt && m.stmtAtAddress)
                    || (!endSequence && m.line == 0);
            if ((fileChanged && !ignore) || endSequence) {
                if (m.lastSubfile != null && m.recording) {
                    m.lastSubfile.record(0, m.address, true);
                }
            }
            if (!endSequence && !ignore) {
                boolean keep = m.current != m.lastSubfile || m.line != m.lastLine || !m.lineHasNonZeroDiscriminator;
                if (keep) {
                    m.lastSubfile = m.current;
                    if (m.recording && m.current != null) {
                        m.current.record((int) m.line, m.address, m.isStmt);
                    }
                    m.lastLine = m.line;
                }
            }
        }
        if (m.lastAddress != m.address) {
            m.stmtAtAddress = false;
            m.lastAddress = m.address;
        }
        m.stmtAtAddress |= m.isStmt;
    }
}
