package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.memory.AddressRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One unit of .debug_info (DWARF 2–5, 32-bit format). The header is read when the unit is created; the root DIE,
 * the whole DIE tree and the line table are read on first use and then kept.
 */
final class Unit {
    private static final String INFO = ".debug_info";

    final DwarfSections s;
    final long offset;
    final long end;
    final int version;
    final int unitType;
    final int addressSize;
    final long abbrevOffset;
    private final ByteView bytes;
    private final int firstDie;

    private AbbrevTable abbrevs;
    private Die root;
    private long strOffsetsBase;
    private long addrBase;
    private long rnglistsBase;
    private long loclistsBase;
    private long baseAddress;
    private List<Die> dies;
    /** Why the DIE tree could not be read: kept, so that a corrupt unit is decoded once, not at every lookup. */
    private FormatException diesFailure;
    /** Likewise for the line table. */
    private FormatException linesFailure;
    private long[] dieOffsets;
    private LineTable lines;
    private List<AddressRange> rootRanges;

    private Unit(DwarfSections s, long offset, long end, int version, int unitType, int addressSize, long abbrevOffset,
            ByteView bytes, int firstDie) {
        this.s = s;
        this.offset = offset;
        this.end = end;
        this.version = version;
        this.unitType = unitType;
        this.addressSize = addressSize;
        this.abbrevOffset = abbrevOffset;
        this.bytes = bytes;
        this.firstDie = firstDie;
    }

    /** Reads the unit header at {@code offset} of .debug_info. */
    static Unit at(DwarfSections s, long offset) {
        ByteView info = s.info;
        try {
            ByteCursor c = info.cursor((int) offset);
            long length = c.u32();
            if (length == 0xFFFF_FFFFL) {
                throw DwarfSections.error(INFO, info, offset,
                        "unit uses the 64-bit DWARF format, which zmk-agent does not read (32-bit ARM builds use 32-bit DWARF)");
            }
            if (length >= 0xFFFF_FFF0L) {
                throw DwarfSections.error(INFO, info, offset, String.format("reserved unit length 0x%x", length));
            }
            if (!info.has(offset + 4, length)) {
                throw DwarfSections.error(INFO, info, offset, String.format(
                        "unit length %d runs past the end of the section (%d bytes)", length, info.length()));
            }
            ByteView unit = info.slice(offset, 4 + length);
            ByteCursor u = unit.cursor(4);
            int version = u.u16();
            int unitType = Dw.UT_COMPILE;
            int addressSize;
            long abbrevOffset;
            if (version >= 2 && version <= 4) {
                abbrevOffset = u.u32();
                addressSize = u.u8();
            } else if (version == 5) {
                unitType = u.u8();
                addressSize = u.u8();
                abbrevOffset = u.u32();
                switch (unitType) {
                    case Dw.UT_SKELETON, Dw.UT_SPLIT_COMPILE -> u.skip(8);
                    case Dw.UT_TYPE, Dw.UT_SPLIT_TYPE -> u.skip(12);
                    default -> { }
                }
            } else {
                throw DwarfSections.error(INFO, info, offset, "unsupported DWARF version " + version + " (expected 2 to 5)");
            }
            if (addressSize != 4 && addressSize != 8 && addressSize != 2) {
                throw DwarfSections.error(INFO, info, offset, "unsupported address size " + addressSize);
            }
            return new Unit(s, offset, offset + 4 + length, version, unitType, addressSize, abbrevOffset, unit, u.position());
        } catch (FormatException e) {
            if (e.getMessage().startsWith(INFO)) {
                throw e;
            }
            throw DwarfSections.within(INFO, "unit header", offset, e);
        }
    }

    boolean isCompileUnit() {
        return unitType == Dw.UT_COMPILE || unitType == Dw.UT_PARTIAL || unitType == Dw.UT_SKELETON;
    }

    private AbbrevTable abbrevs() {
        if (abbrevs == null) {
            abbrevs = AbbrevTable.parse(s.abbrev, abbrevOffset);
        }
        return abbrevs;
    }

    /** The unit's first DIE (DW_TAG_compile_unit), read alone. */
    Die root() {
        if (root == null) {
            try {
                ByteCursor c = bytes.cursor(firstDie);
                root = readDie(c, -1);
                if (root == null) {
                    throw DwarfSections.error(INFO, s.info, offset + firstDie, "unit has no root DIE");
                }
            } catch (FormatException e) {
                throw wrap(e);
            }
            int i = root.find(Dw.AT_STR_OFFSETS_BASE);
            strOffsetsBase = i >= 0 ? root.values[i] : (version >= 5 ? 8 : 0);
            i = root.find(Dw.AT_ADDR_BASE);
            if (i < 0) {
                i = root.find(Dw.AT_GNU_ADDR_BASE);
            }
            addrBase = i >= 0 ? root.values[i] : (version >= 5 ? 8 : 0);
            i = root.find(Dw.AT_RNGLISTS_BASE);
            rnglistsBase = i >= 0 ? root.values[i] : (version >= 5 ? 12 : 0);
            i = root.find(Dw.AT_GNU_RANGES_BASE);
            if (i >= 0) {
                rnglistsBase = root.values[i];
            }
            i = root.find(Dw.AT_LOCLISTS_BASE);
            loclistsBase = i >= 0 ? root.values[i] : (version >= 5 ? 12 : 0);
            baseAddress = root.has(Dw.AT_LOW_PC) ? address(root, Dw.AT_LOW_PC) : 0;
        }
        return root;
    }

    private FormatException wrap(FormatException e) {
        if (e.getMessage().startsWith(".debug_")) {
            return e;
        }
        return DwarfSections.within(INFO, "unit", offset, e);
    }

    String name() {
        return string(root(), Dw.AT_NAME);
    }

    String compDir() {
        return string(root(), Dw.AT_COMP_DIR);
    }

    /** Address ranges of the root DIE (empty when it has none). */
    List<AddressRange> rootRanges() {
        if (rootRanges == null) {
            rootRanges = ranges(root());
        }
        return rootRanges;
    }

    /** The lowest address of the unit as gdb computes it for the line-table "GC'd function" check. */
    long lowestPc() {
        long low = Long.MAX_VALUE;
        for (AddressRange r : rootRanges()) {
            low = Math.min(low, r.start());
        }
        return low == Long.MAX_VALUE ? 0 : low;
    }

    // ---------------------------------------------------------------- DIE tree

    List<Die> dies() {
        if (diesFailure != null) {
            throw diesFailure;
        }
        if (dies == null) {
            root();
            List<Die> list = new ArrayList<>();
            try {
                ByteCursor c = bytes.cursor(firstDie);
                int[] stack = new int[64];
                int depth = 0;
                while (c.hasRemaining()) {
                    int parent = depth > 0 ? stack[depth - 1] : -1;
                    int before = list.size();
                    Die d = readDie(c, parent);
                    if (d == null) {
                        if (depth > 0) {
                            list.get(stack[--depth]).end = list.size();
                        }
                        continue;
                    }
                    list.add(d);
                    if (abbrevs().get(lastCode).hasChildren()) {
                        if (depth == stack.length) {
                            stack = java.util.Arrays.copyOf(stack, depth * 2);
                        }
                        stack[depth++] = before;
                    } else {
                        d.end = list.size();
                    }
                }
                while (depth > 0) {
                    list.get(stack[--depth]).end = list.size();
                }
            } catch (FormatException e) {
                diesFailure = wrap(e);
                throw diesFailure;
            }
            long[] offs = new long[list.size()];
            for (int i = 0; i < offs.length; i++) {
                offs[i] = list.get(i).offset;
            }
            dieOffsets = offs;
            dies = list;
        }
        return dies;
    }

    boolean diesLoaded() {
        return dies != null;
    }

    boolean containsOffset(long infoOffset) {
        return infoOffset >= offset && infoOffset < end;
    }

    /** Index of the DIE at absolute .debug_info offset {@code infoOffset}, or -1. */
    int indexOf(long infoOffset) {
        dies();
        int i = java.util.Arrays.binarySearch(dieOffsets, infoOffset);
        return i >= 0 ? i : -1;
    }

    private long lastCode;

    /** Reads one DIE; null for a null entry (end of siblings). */
    private Die readDie(ByteCursor c, int parent) {
        long dieOffset = offset + c.position();
        long code = c.uleb128();
        lastCode = code;
        if (code == 0) {
            return null;
        }
        AbbrevTable.Abbrev a = abbrevs().get(code);
        if (a == null) {
            throw DwarfSections.error(INFO, s.info, dieOffset, "DIE uses abbreviation code " + code
                    + " which the unit's table (at .debug_abbrev 0x" + Long.toHexString(abbrevOffset) + ") does not define");
        }
        int n = a.names().length;
        int[] forms = a.forms();
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            int form = forms[i];
            if (form == Dw.FORM_INDIRECT) {
                int real = (int) c.uleb128();
                if (forms == a.forms()) {
                    forms = forms.clone();
                }
                forms[i] = real;
                form = real;
            }
            values[i] = readValue(c, form, a.implicitConst()[i], dieOffset);
        }
        return new Die(dieOffset, a.tag(), parent, a.names(), forms, values);
    }

    private int offsetSize() {
        return 4;
    }

    /** Reads one attribute value of {@code form}; see {@link Die} for what the long means per form. */
    long readValue(ByteCursor c, int form, long implicitConst, long dieOffset) {
        switch (form) {
            case Dw.FORM_ADDR:
                return c.unsigned(addressSize);
            case Dw.FORM_DATA1, Dw.FORM_REF1, Dw.FORM_FLAG, Dw.FORM_STRX1, Dw.FORM_ADDRX1:
                return relative(form, c.u8());
            case Dw.FORM_DATA2, Dw.FORM_REF2, Dw.FORM_STRX2, Dw.FORM_ADDRX2:
                return relative(form, c.u16());
            case Dw.FORM_STRX3, Dw.FORM_ADDRX3: {
                int lo = c.u16();
                return lo | (long) c.u8() << 16;
            }
            case Dw.FORM_DATA4, Dw.FORM_REF4, Dw.FORM_STRX4, Dw.FORM_ADDRX4, Dw.FORM_REF_SUP4:
                return relative(form, c.u32());
            case Dw.FORM_DATA8, Dw.FORM_REF8, Dw.FORM_REF_SIG8, Dw.FORM_REF_SUP8:
                return relative(form, c.u64());
            case Dw.FORM_DATA16: {
                long at = offset + c.position();
                c.skip(16);
                return at;
            }
            case Dw.FORM_SDATA:
                return c.sleb128();
            case Dw.FORM_UDATA, Dw.FORM_REF_UDATA, Dw.FORM_STRX, Dw.FORM_ADDRX, Dw.FORM_LOCLISTX, Dw.FORM_RNGLISTX,
                    Dw.FORM_GNU_ADDR_INDEX, Dw.FORM_GNU_STR_INDEX:
                return relative(form, c.uleb128());
            case Dw.FORM_STRING: {
                long at = offset + c.position();
                c.cString();
                return at;
            }
            case Dw.FORM_STRP, Dw.FORM_LINE_STRP, Dw.FORM_SEC_OFFSET, Dw.FORM_GNU_REF_ALT, Dw.FORM_GNU_STRP_ALT,
                    Dw.FORM_STRP_SUP:
                return c.unsigned(offsetSize());
            case Dw.FORM_REF_ADDR:
                return c.unsigned(version <= 2 ? addressSize : offsetSize());
            case Dw.FORM_FLAG_PRESENT:
                return 1;
            case Dw.FORM_IMPLICIT_CONST:
                return implicitConst;
            case Dw.FORM_BLOCK1:
                return skipBlock(c, c.u8());
            case Dw.FORM_BLOCK2:
                return skipBlock(c, c.u16());
            case Dw.FORM_BLOCK4:
                return skipBlock(c, c.u32());
            case Dw.FORM_BLOCK, Dw.FORM_EXPRLOC:
                return skipBlock(c, c.uleb128());
            default:
                throw DwarfSections.error(INFO, s.info, dieOffset, String.format("DIE uses unknown attribute form 0x%x", form));
        }
    }

    /**
     * The bytes of a block-class attribute (DW_FORM_block*, DW_FORM_exprloc) of {@code d}, or null when absent or of
     * another form. The DIE is read again from its offset to find the block's length.
     */
    ByteView block(Die d, int name) {
        int idx = d.find(name);
        if (idx < 0) {
            return null;
        }
        try {
            ByteCursor c = bytes.cursor((int) (d.offset - offset));
            AbbrevTable.Abbrev a = abbrevs().get(c.uleb128());
            int[] forms = a.forms();
            for (int i = 0; i < forms.length; i++) {
                int form = forms[i] == Dw.FORM_INDIRECT ? (int) c.uleb128() : forms[i];
                if (i == idx) {
                    long length;
                    switch (form) {
                        case Dw.FORM_BLOCK1 -> length = c.u8();
                        case Dw.FORM_BLOCK2 -> length = c.u16();
                        case Dw.FORM_BLOCK4 -> length = c.u32();
                        case Dw.FORM_BLOCK, Dw.FORM_EXPRLOC -> length = c.uleb128();
                        default -> {
                            return null;
                        }
                    }
                    if (length < 0 || length > c.remaining()) {
                        throw DwarfSections.error(INFO, s.info, offset + c.position(), "block of " + length + " bytes runs past the end of the unit");
                    }
                    return bytes.slice(c.position(), length);
                }
                readValue(c, form, a.implicitConst()[i], d.offset);
            }
            return null;
        } catch (FormatException e) {
            throw wrap(e);
        }
    }

    private long relative(int form, long v) {
        switch (form) {
            case Dw.FORM_REF1, Dw.FORM_REF2, Dw.FORM_REF4, Dw.FORM_REF8, Dw.FORM_REF_UDATA:
                return offset + v;
            default:
                return v;
        }
    }

    private long skipBlock(ByteCursor c, long length) {
        long at = offset + c.position();
        if (length < 0 || length > c.remaining()) {
            throw DwarfSections.error(INFO, s.info, at, "block of " + length + " bytes runs past the end of the unit");
        }
        c.skip(length);
        return at;
    }

    // ---------------------------------------------------------------- attribute access

    String string(Die d, int name) {
        int i = d.find(name);
        if (i < 0) {
            return null;
        }
        long v = d.values[i];
        switch (d.forms[i]) {
            case Dw.FORM_STRING:
                return s.info.cursor((int) v).cString();
            case Dw.FORM_STRP:
                return stringAt(s.str, ".debug_str", v);
            case Dw.FORM_LINE_STRP:
                return stringAt(s.lineStr, ".debug_line_str", v);
            case Dw.FORM_STRX, Dw.FORM_STRX1, Dw.FORM_STRX2, Dw.FORM_STRX3, Dw.FORM_STRX4, Dw.FORM_GNU_STR_INDEX:
                return indexedString(v);
            default:
                return null;
        }
    }

    String indexedString(long index) {
        root();
        long at = strOffsetsBase + index * offsetSize();
        if (index < 0 || !s.strOffsets.has(at, offsetSize())) {
            throw DwarfSections.error(".debug_str_offsets", s.strOffsets, Math.max(0, at),
                    "string index " + index + " is past the end of the section");
        }
        return stringAt(s.str, ".debug_str", s.strOffsets.u32((int) at));
    }

    static String stringAt(ByteView section, String name, long at) {
        if (at < 0 || at >= section.length()) {
            throw DwarfSections.error(name, section, Math.max(0, at),
                    "string offset is past the end of the section (" + section.length() + " bytes)");
        }
        return section.cursor((int) at).cString();
    }

    /** An address-class attribute: DW_FORM_addr, or an index into .debug_addr. */
    long address(Die d, int name) {
        int i = d.find(name);
        if (i < 0) {
            throw new IllegalStateException("no attribute " + name);
        }
        return addressValue(d.forms[i], d.values[i]);
    }

    private long addressValue(int form, long v) {
        switch (form) {
            case Dw.FORM_ADDRX, Dw.FORM_ADDRX1, Dw.FORM_ADDRX2, Dw.FORM_ADDRX3, Dw.FORM_ADDRX4, Dw.FORM_GNU_ADDR_INDEX:
                return indexedAddress(v);
            default:
                return v;
        }
    }

    long indexedAddress(long index) {
        root();
        long at = addrBase + index * addressSize;
        if (index < 0 || !s.addr.has(at, addressSize)) {
            throw DwarfSections.error(".debug_addr", s.addr, Math.max(0, at), "address index " + index + " is past the end of the section");
        }
        return s.addr.cursor((int) at).unsigned(addressSize);
    }

    private static boolean isAddressForm(int form) {
        switch (form) {
            case Dw.FORM_ADDR, Dw.FORM_ADDRX, Dw.FORM_ADDRX1, Dw.FORM_ADDRX2, Dw.FORM_ADDRX3, Dw.FORM_ADDRX4, Dw.FORM_GNU_ADDR_INDEX:
                return true;
            default:
                return false;
        }
    }

    long constant(Die d, int name, long dflt) {
        int i = d.find(name);
        return i < 0 ? dflt : d.values[i];
    }

    /** A reference attribute as an absolute .debug_info offset, or -1 (absent, or a form we do not follow). */
    long reference(Die d, int name) {
        int i = d.find(name);
        if (i < 0) {
            return -1;
        }
        switch (d.forms[i]) {
            case Dw.FORM_REF1, Dw.FORM_REF2, Dw.FORM_REF4, Dw.FORM_REF8, Dw.FORM_REF_UDATA, Dw.FORM_REF_ADDR:
                return d.values[i];
            default:
                return -1;
        }
    }

    /**
     * The address ranges of a DIE, from DW_AT_low_pc/DW_AT_high_pc or DW_AT_ranges. Empty ranges are dropped, and so
     * are ranges starting at 0 when no section lives at 0 (what a linker leaves for discarded code), as gdb does.
     */
    List<AddressRange> ranges(Die d) {
        if (d.ranges == null) {
            d.ranges = Collections.unmodifiableList(decodeRanges(d)); // a failure is not kept: it is thrown again, with its reason
        }
        return d.ranges;
    }

    private List<AddressRange> decodeRanges(Die d) {
        root();
        List<AddressRange> out = new ArrayList<>(1);
        int r = d.find(Dw.AT_RANGES);
        if (r >= 0) {
            int form = d.forms[r];
            long v = d.values[r];
            if (version >= 5) {
                long listOffset = form == Dw.FORM_RNGLISTX ? rnglistOffset(v) : v;
                readRnglist(listOffset, out);
            } else {
                readRanges(d == root ? v : v, out);
            }
            return out;
        }
        int lo = d.find(Dw.AT_LOW_PC);
        int hi = d.find(Dw.AT_HIGH_PC);
        if (lo >= 0 && hi >= 0) {
            long low = addressValue(d.forms[lo], d.values[lo]);
            long high = isAddressForm(d.forms[hi]) ? addressValue(d.forms[hi], d.values[hi]) : low + d.values[hi];
            add(out, low, high);
        }
        return out;
    }

    private void add(List<AddressRange> out, long low, long high) {
        if (high > low && s.keeps(low)) {
            out.add(new AddressRange(low, high));
        }
    }

    private long rnglistOffset(long index) {
        long at = rnglistsBase + index * offsetSize();
        if (index < 0 || !s.rnglists.has(at, offsetSize())) {
            throw DwarfSections.error(".debug_rnglists", s.rnglists, Math.max(0, at), "range list index " + index + " is past the end of the offset table");
        }
        return rnglistsBase + s.rnglists.u32((int) at);
    }

    /** DWARF 2–4 .debug_ranges: pairs of addresses, relative to the unit's base address. */
    private void readRanges(long listOffset, List<AddressRange> out) {
        ByteView sec = s.ranges;
        if (listOffset < 0 || listOffset >= sec.length()) {
            throw DwarfSections.error(".debug_ranges", sec, Math.max(0, listOffset), "range list offset is past the end of the section");
        }
        long base = baseAddress;
        long maxAddress = addressSize == 8 ? -1L : (1L << (8 * addressSize)) - 1;
        try {
            ByteCursor c = sec.cursor((int) listOffset);
            while (true) {
                long a = c.unsigned(addressSize);
                long b = c.unsigned(addressSize);
                if (a == 0 && b == 0) {
                    return;
                }
                if (a == maxAddress) {
                    base = b;
                    continue;
                }
                add(out, base + a, base + b);
            }
        } catch (FormatException e) {
            throw DwarfSections.within(".debug_ranges", "range list", listOffset, e);
        }
    }

    /** DWARF 5 .debug_rnglists entries. */
    private void readRnglist(long listOffset, List<AddressRange> out) {
        ByteView sec = s.rnglists;
        if (listOffset < 0 || listOffset >= sec.length()) {
            throw DwarfSections.error(".debug_rnglists", sec, Math.max(0, listOffset), "range list offset is past the end of the section");
        }
        long base = baseAddress;
        try {
            ByteCursor c = sec.cursor((int) listOffset);
            while (true) {
                int kind = c.u8();
                switch (kind) {
                    case Dw.RLE_END_OF_LIST:
                        return;
                    case Dw.RLE_BASE_ADDRESSX:
                        base = indexedAddress(c.uleb128());
                        break;
                    case Dw.RLE_STARTX_ENDX: {
                        long a = indexedAddress(c.uleb128());
                        long b = indexedAddress(c.uleb128());
                        add(out, a, b);
                        break;
                    }
                    case Dw.RLE_STARTX_LENGTH: {
                        long a = indexedAddress(c.uleb128());
                        add(out, a, a + c.uleb128());
                        break;
                    }
                    case Dw.RLE_OFFSET_PAIR: {
                        long a = c.uleb128();
                        long b = c.uleb128();
                        add(out, base + a, base + b);
                        break;
                    }
                    case Dw.RLE_BASE_ADDRESS:
                        base = c.unsigned(addressSize);
                        break;
                    case Dw.RLE_START_END: {
                        long a = c.unsigned(addressSize);
                        add(out, a, c.unsigned(addressSize));
                        break;
                    }
                    case Dw.RLE_START_LENGTH: {
                        long a = c.unsigned(addressSize);
                        add(out, a, a + c.uleb128());
                        break;
                    }
                    default:
                        throw DwarfSections.error(".debug_rnglists", sec, c.position() - 1, "unknown range list entry kind " + kind);
                }
            }
        } catch (FormatException e) {
            if (e.getMessage().startsWith(".debug_rnglists")) {
                throw e;
            }
            throw DwarfSections.within(".debug_rnglists", "range list", listOffset, e);
        }
    }

    // ---------------------------------------------------------------- locations

    /** What a location-class attribute says at one pc. */
    record LocationAtPc(boolean present, ByteView expression) {
        static final LocationAtPc ABSENT = new LocationAtPc(false, null);
    }

    /**
     * The location expression of attribute {@code name} (DW_AT_location, DW_AT_frame_base) in effect at {@code pc}:
     * the block itself, or the matching entry of its location list (DWARF 2-4 .debug_loc, DWARF 5 .debug_loclists).
     * Not present when the attribute is absent; present with a null expression when a list has no entry for pc
     * (the value is optimized out there); an empty expression is optimized out too.
     */
    LocationAtPc locationAt(Die d, int name, long pc) {
        int i = d.find(name);
        if (i < 0) {
            return LocationAtPc.ABSENT;
        }
        int form = d.forms[i];
        switch (form) {
            case Dw.FORM_EXPRLOC, Dw.FORM_BLOCK, Dw.FORM_BLOCK1, Dw.FORM_BLOCK2, Dw.FORM_BLOCK4:
                return new LocationAtPc(true, block(d, name));
            case Dw.FORM_SEC_OFFSET, Dw.FORM_DATA4, Dw.FORM_DATA8:
                return new LocationAtPc(true, version >= 5 ? loclistEntry(d.values[i], pc) : locEntry(d.values[i], pc));
            case Dw.FORM_LOCLISTX:
                return new LocationAtPc(true, loclistEntry(loclistOffset(d.values[i]), pc));
            default:
                return LocationAtPc.ABSENT;
        }
    }

    private long loclistOffset(long index) {
        root();
        long at = loclistsBase + index * offsetSize();
        if (index < 0 || !s.loclists.has(at, offsetSize())) {
            throw DwarfSections.error(".debug_loclists", s.loclists, Math.max(0, at), "location list index " + index + " is past the end of the offset table");
        }
        return loclistsBase + s.loclists.u32((int) at);
    }

    /** At most this many entries are read from one location list (a corrupt list must not spin). */
    private static final int MAX_LIST_ENTRIES = 1 << 16;

    /** DWARF 2-4 .debug_loc: address pairs relative to the unit's base address, a 2-byte length, the expression. */
    private ByteView locEntry(long listOffset, long pc) {
        root();
        ByteView sec = s.loc;
        if (listOffset < 0 || listOffset >= sec.length()) {
            throw DwarfSections.error(".debug_loc", sec, Math.max(0, listOffset), "location list offset is past the end of the section");
        }
        long base = baseAddress;
        long maxAddress = addressSize == 8 ? -1L : (1L << (8 * addressSize)) - 1;
        try {
            ByteCursor c = sec.cursor((int) listOffset);
            for (int n = 0; n < MAX_LIST_ENTRIES; n++) {
                long a = c.unsigned(addressSize);
                long b = c.unsigned(addressSize);
                if (a == 0 && b == 0) {
                    return null;
                }
                if (a == maxAddress) {
                    base = b;
                    continue;
                }
                int length = c.u16();
                if (length > c.remaining()) {
                    throw DwarfSections.error(".debug_loc", sec, c.position(), "expression of " + length + " bytes runs past the end of the section");
                }
                int at = c.position();
                c.skip(length);
                if (pc >= base + a && pc < base + b) {
                    return sec.slice(at, length);
                }
            }
            throw DwarfSections.error(".debug_loc", sec, listOffset, "location list has more than " + MAX_LIST_ENTRIES + " entries");
        } catch (FormatException e) {
            if (e.getMessage().startsWith(".debug_loc")) {
                throw e;
            }
            throw DwarfSections.within(".debug_loc", "location list", listOffset, e);
        }
    }

    /** DWARF 5 .debug_loclists entries (every DW_LLE_* kind, and GCC's view pairs). */
    private ByteView loclistEntry(long listOffset, long pc) {
        root();
        ByteView sec = s.loclists;
        if (listOffset < 0 || listOffset >= sec.length()) {
            throw DwarfSections.error(".debug_loclists", sec, Math.max(0, listOffset), "location list offset is past the end of the section");
        }
        long base = baseAddress;
        ByteView fallback = null;
        try {
            ByteCursor c = sec.cursor((int) listOffset);
            for (int n = 0; n < MAX_LIST_ENTRIES; n++) {
                int kind = c.u8();
                long lo;
                long hi;
                switch (kind) {
                    case Dw.LLE_END_OF_LIST:
                        return fallback;
                    case Dw.LLE_BASE_ADDRESSX:
                        base = indexedAddress(c.uleb128());
                        continue;
                    case Dw.LLE_BASE_ADDRESS:
                        base = c.unsigned(addressSize);
                        continue;
                    case Dw.LLE_GNU_VIEW_PAIR:
                        c.uleb128();
                        c.uleb128();
                        continue;
                    case Dw.LLE_STARTX_ENDX:
                        lo = indexedAddress(c.uleb128());
                        hi = indexedAddress(c.uleb128());
                        break;
                    case Dw.LLE_STARTX_LENGTH:
                        lo = indexedAddress(c.uleb128());
                        hi = lo + c.uleb128();
                        break;
                    case Dw.LLE_OFFSET_PAIR:
                        lo = base + c.uleb128();
                        hi = base + c.uleb128();
                        break;
                    case Dw.LLE_DEFAULT_LOCATION:
                        lo = -1;
                        hi = -1;
                        break;
                    case Dw.LLE_START_END:
                        lo = c.unsigned(addressSize);
                        hi = c.unsigned(addressSize);
                        break;
                    case Dw.LLE_START_LENGTH:
                        lo = c.unsigned(addressSize);
                        hi = lo + c.uleb128();
                        break;
                    default:
                        throw DwarfSections.error(".debug_loclists", sec, c.position() - 1, "unknown location list entry kind " + kind);
                }
                long length = c.uleb128();
                if (length < 0 || length > c.remaining()) {
                    throw DwarfSections.error(".debug_loclists", sec, c.position(), "expression of " + length + " bytes runs past the end of the section");
                }
                int at = c.position();
                c.skip(length);
                if (kind == Dw.LLE_DEFAULT_LOCATION) {
                    fallback = sec.slice(at, length);
                } else if (pc >= lo && pc < hi) {
                    return sec.slice(at, length);
                }
            }
            throw DwarfSections.error(".debug_loclists", sec, listOffset, "location list has more than " + MAX_LIST_ENTRIES + " entries");
        } catch (FormatException e) {
            if (e.getMessage().startsWith(".debug_loclists")) {
                throw e;
            }
            throw DwarfSections.within(".debug_loclists", "location list", listOffset, e);
        }
    }

    /** The raw bytes at an absolute .debug_info offset (a DW_FORM_data16 or DW_FORM_string value). */
    ByteView infoBytes(long infoOffset, long length) {
        return s.info.slice(infoOffset, length);
    }

    // ---------------------------------------------------------------- line table

    /** The unit's line table, or null when the unit has no DW_AT_stmt_list. */
    LineTable lines() {
        if (linesFailure != null) {
            throw linesFailure;
        }
        if (lines == null) {
            int i = root().find(Dw.AT_STMT_LIST);
            if (i < 0) {
                return null;
            }
            try {
                lines = LineTable.parse(s, root.values[i], addressSize, this);
            } catch (FormatException e) {
                linesFailure = e;
                throw e;
            }
        }
        return lines;
    }
}
