package dev.zmkagent.coredump.values;

import dev.zmkagent.coredump.dwarf.DwarfType;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.elf.SymbolTable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prints values as gdb 13 prints them in {@code bt}, {@code info args} and {@code info locals} (C language, default
 * print settings): integers in decimal, one-byte integers as {@code 65 'A'}, booleans, enums by name (flag enums as
 * {@code (A | B)}), pointers in hex with {@code <symbol+offset>}, char pointers with their string, structs and unions
 * as {@code {a = 1, b = 0x0}}, arrays with {@code <repeats N times>} and the 200-element limit, char arrays as strings.
 * Missing parts print as gdb prints them ({@code <optimized out>}, {@code <unavailable>},
 * {@code <error: Cannot access memory at address 0x...>}); each one is recorded so the report can say why.
 */
final class ValueFormatter {
    static final int PRINT_ELEMENTS = 200;
    static final int REPEAT_THRESHOLD = 10;
    static final int MAX_DEPTH = 20;

    /** Reads target memory for char pointers' strings: one byte, empty when not in the dump. */
    interface ByteSource {
        java.util.OptionalLong read(long address, int size);
    }

    /** What a variable-length array's value says instead of its elements. */
    static final String VARIABLE_LENGTH = "the run-time length of a variable-length array (DWARF gives it as another variable)";

    private final SymbolTable symbols;
    private final ByteSource memory;
    private final List<Missing> missing = new ArrayList<>();

    ValueFormatter(SymbolTable symbols, ByteSource memory) {
        this.symbols = symbols;
        this.memory = memory;
    }

    /** What was missing in the values formatted so far, in order. */
    List<Missing> missing() {
        return missing;
    }

    /** gdb's text for a value; {@code scalarsOnly} prints aggregates as "..." (gdb's bt with frame-arguments scalars). */
    String format(DwarfType type, ValueBytes v, boolean scalarsOnly) {
        if (scalarsOnly && !isScalar(type)) {
            return "...";
        }
        StringBuilder sb = new StringBuilder();
        value(sb, type, v, 0, 0);
        return sb.toString();
    }

    static boolean isScalar(DwarfType type) {
        DwarfType t = type.stripped();
        return switch (t.kind()) {
            case STRUCT, UNION, CLASS, ARRAY -> false;
            default -> true;
        };
    }

    private String missingText(Missing m) {
        missing.add(m);
        return m.gdbText();
    }

    private void value(StringBuilder sb, DwarfType declared, ValueBytes v, int offset, int depth) {
        DwarfType t = declared.stripped();
        long size = t.byteSize();
        switch (t.kind()) {
            case STRUCT, UNION, CLASS -> aggregate(sb, t, v, offset, depth);
            case ARRAY -> array(sb, t, v, offset, depth);
            case VOID, UNKNOWN, FUNCTION -> sb.append(t.kind() == DwarfType.Kind.FUNCTION ? "{<text variable, no debug info>}" : "<incomplete type>");
            default -> {
                int n = (int) (size <= 0 ? 4 : Math.min(size, 8));
                Missing m = v.missingIn(offset, n);
                if (m != null) {
                    sb.append(missingText(m));
                    return;
                }
                scalar(sb, declared, t, v.unsigned(offset, n), n);
            }
        }
    }

    private void scalar(StringBuilder sb, DwarfType declared, DwarfType t, long raw, int n) {
        switch (t.kind()) {
            case POINTER, REFERENCE -> pointer(sb, t, raw & 0xFFFF_FFFFL);
            case ENUM -> enumValue(sb, t, raw, n);
            case BASE -> base(sb, t, raw, n);
            default -> sb.append(raw);
        }
    }

    private static long signExtend(long raw, int n) {
        int shift = 64 - 8 * n;
        return n >= 8 ? raw : (raw << shift) >> shift;
    }

    private void base(StringBuilder sb, DwarfType t, long raw, int n) {
        int enc = t.encoding();
        switch (enc) {
            case DwarfType.ATE_BOOLEAN -> {
                long v = raw & mask(n);
                sb.append(v == 0 ? "false" : v == 1 ? "true" : Long.toString(v));
            }
            case DwarfType.ATE_FLOAT -> sb.append(n == 4 ? cFloat(Float.intBitsToFloat((int) raw), 9)
                    : n == 8 ? cFloat(Double.longBitsToDouble(raw), 17) : Long.toString(raw));
            case DwarfType.ATE_SIGNED, DwarfType.ATE_SIGNED_CHAR -> {
                long v = signExtend(raw, n);
                sb.append(v);
                if (n == 1) {
                    sb.append(" '").append(charLiteral((int) (v & 0xFF), '\'')).append('\'');
                }
            }
            default -> {
                long v = raw & mask(n);
                sb.append(n == 8 ? Long.toUnsignedString(v) : Long.toString(v));
                if (n == 1 && enc != DwarfType.ATE_ADDRESS) {
                    sb.append(" '").append(charLiteral((int) v, '\'')).append('\'');
                }
            }
        }
    }

    private static long mask(int n) {
        return n >= 8 ? -1L : (1L << (8 * n)) - 1;
    }

    /** C's %.{digits}g, as gdb prints floating point values. */
    static String cFloat(double d, int digits) {
        if (Double.isNaN(d)) {
            long bits = digits == 9 ? Float.floatToRawIntBits((float) d) & 0x7FFFFFL : Double.doubleToRawLongBits(d) & 0xFFFFFFFFFFFFFL;
            return (Double.doubleToRawLongBits(d) < 0 ? "-" : "") + "nan(0x" + Long.toHexString(bits) + ")";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal b = new BigDecimal(d).round(new MathContext(digits));
        int exp = b.precision() - b.scale() - 1;
        String s;
        if (exp < -4 || exp >= digits) {
            BigDecimal mant = b.movePointLeft(exp);
            String m = strip(mant.toPlainString());
            s = m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        } else {
            s = strip(b.toPlainString());
        }
        return s;
    }

    private static String strip(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private void enumValue(StringBuilder sb, DwarfType t, long raw, int n) {
        boolean signed = t.target() != null && t.target().stripped().encoding() == DwarfType.ATE_SIGNED;
        long v = signed ? signExtend(raw, n) : raw & mask(n);
        for (DwarfType.Enumerator e : t.enumerators()) {
            if (e.value() == v) {
                sb.append(e.name());
                return;
            }
        }
        // gdb's flag enums: every enumerator a single bit (or 0), no two sharing one
        boolean flag = true;
        long seen = 0;
        for (DwarfType.Enumerator e : t.enumerators()) {
            if (e.value() < 0 || Long.bitCount(e.value()) > 1 || (seen & e.value()) != 0) {
                flag = false;
                break;
            }
            seen |= e.value();
        }
        if (!flag || v < 0) {
            sb.append(v);
            return;
        }
        List<String> parts = new ArrayList<>();
        long rest = v;
        for (DwarfType.Enumerator e : t.enumerators()) {
            if (e.value() != 0 && (rest & e.value()) == e.value()) {
                parts.add(e.name());
                rest &= ~e.value();
            }
        }
        if (rest != 0) {
            parts.add(String.format("unknown: 0x%x", rest));
        }
        sb.append('(').append(String.join(" | ", parts)).append(')');
    }

    private void pointer(StringBuilder sb, DwarfType t, long address) {
        DwarfType target = t.target() == null ? DwarfType.VOID : t.target().stripped();
        sb.append(String.format("0x%x", address));
        if (target.kind() == DwarfType.Kind.FUNCTION) {
            symbolFor(address & ~1L).ifPresent(sym -> sb.append(" <").append(sym).append('>'));
            return;
        }
        symbolFor(address).ifPresent(sym -> sb.append(" <").append(sym).append('>'));
        if (address != 0 && isTextual(t.target())) {
            sb.append(' ');
            string(sb, address);
        }
    }

    /** One-byte integer types (char, uint8_t, ...) print as characters, and pointers to them as strings. */
    private static boolean isTextual(DwarfType type) {
        if (type == null) {
            return false;
        }
        DwarfType t = type.stripped();
        return t.kind() == DwarfType.Kind.BASE && t.byteSize() == 1 && t.encoding() != DwarfType.ATE_BOOLEAN;
    }

    /** "symbol" or "symbol+offset" for an address inside an ELF function or object, as gdb's &lt;...&gt;. */
    Optional<String> symbolFor(long address) {
        if (symbols == null || address == 0) {
            return Optional.empty();
        }
        Optional<ElfSymbol> s = symbols.containing(address);
        return s.map(sym -> {
            String name = printName(sym);
            return address == sym.address() ? name : name + "+" + (address - sym.address());
        });
    }

    /** GCC names a function's static variable msg "msg.0" in the symbol table; gdb prints it as the variable's name. */
    private static String printName(ElfSymbol sym) {
        String n = sym.name();
        if (sym.isObject()) {
            int dot = n.lastIndexOf('.');
            if (dot > 0 && dot < n.length() - 1 && n.substring(dot + 1).chars().allMatch(Character::isDigit)) {
                return n.substring(0, dot);
            }
        }
        return n;
    }

    /** A C string at {@code address}: up to 200 characters, then "..."; a missing byte ends it with gdb's error. */
    private void string(StringBuilder sb, long address) {
        StringBuilder text = new StringBuilder();
        List<Integer> chars = new ArrayList<>();
        long missingAt = -1;
        boolean more = false;
        for (int i = 0; i <= PRINT_ELEMENTS; i++) {
            var b = memory.read(address + i, 1);
            if (b.isEmpty()) {
                missingAt = address + i;
                break;
            }
            int c = (int) b.getAsLong();
            if (c == 0) {
                break;
            }
            if (i == PRINT_ELEMENTS) {
                more = true;
                break;
            }
            chars.add(c);
        }
        if (!chars.isEmpty() || missingAt < 0) {
            quoted(text, chars, chars.size());
            if (more) {
                text.append("...");
            }
        }
        sb.append(text);
        if (missingAt >= 0) {
            sb.append(missingText(Missing.memory(missingAt)));
        }
    }

    /**
     * gdb's generic_printstr, with the target's bytes read as UTF-8 (gdb's default charset here): runs longer than the
     * threshold as 'c' &lt;repeats N times&gt;, the rest quoted; bytes that are no valid sequence as octal escapes; a
     * sequence cut off by the end as {@code <incomplete sequence \ooo>}.
     */
    static void quoted(StringBuilder sb, List<Integer> chars, int length) {
        if (length == 0) {
            sb.append("\"\"");
            return;
        }
        // split into elements: one ASCII or invalid byte, or one whole UTF-8 sequence
        List<String> quotedText = new ArrayList<>();
        List<String> charText = new ArrayList<>();
        String incomplete = null;
        int i = 0;
        while (i < length) {
            int c = chars.get(i);
            // continuation bytes a lead byte asks for; glibc (gdb's iconv) still knows the old 5- and 6-byte leads, so
            // they too make an "incomplete sequence" when the text ends after them
            int need = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF7 ? 3
                    : c >= 0xF8 && c <= 0xFB ? 4 : c >= 0xFC && c <= 0xFD ? 5 : 0;
            if (c < 0x80 || need == 0) {
                quotedText.add(charLiteral(c, '"'));
                charText.add(charLiteral(c, '\''));
                i++;
                continue;
            }
            int n = 1;
            while (n <= need && i + n < length && (chars.get(i + n) & 0xC0) == 0x80) {
                n++;
            }
            if (n <= need && i + n == length) {
                StringBuilder inc = new StringBuilder();
                for (int k = i; k < length; k++) {
                    inc.append(String.format("\\%03o", chars.get(k)));
                }
                incomplete = inc.toString();
                break;
            }
            if (n <= need) {
                quotedText.add(charLiteral(c, '"'));
                charText.add(charLiteral(c, '\''));
                i++;
                continue;
            }
            byte[] seq = new byte[n];
            for (int k = 0; k < n; k++) {
                seq[k] = (byte) (int) chars.get(i + k);
            }
            String decoded = new String(seq, java.nio.charset.StandardCharsets.UTF_8);
            int cp = decoded.codePointAt(0);
            String text;
            if (decoded.length() > 0 && decoded.indexOf('\uFFFD') < 0 && printable(cp)) {
                text = decoded;
            } else {
                StringBuilder esc = new StringBuilder();
                for (byte b : seq) {
                    esc.append(String.format("\\%03o", b & 0xFF));
                }
                text = esc.toString();
            }
            quotedText.add(text);
            charText.add(text);
            i += n;
        }
        boolean inQuote = false;
        boolean first = true;
        int e = 0;
        while (e < quotedText.size()) {
            int run = 1;
            while (e + run < quotedText.size() && quotedText.get(e + run).equals(quotedText.get(e))) {
                run++;
            }
            if (run > REPEAT_THRESHOLD) {
                if (inQuote) {
                    sb.append("\", ");
                    inQuote = false;
                } else if (!first) {
                    sb.append(", ");
                }
                sb.append('\'').append(charText.get(e)).append("' <repeats ").append(run).append(" times>");
            } else {
                if (!inQuote) {
                    if (!first) {
                        sb.append(", ");
                    }
                    sb.append('"');
                    inQuote = true;
                }
                for (int k = 0; k < run; k++) {
                    sb.append(quotedText.get(e));
                }
            }
            e += run;
            first = false;
        }
        if (inQuote) {
            sb.append('"');
        }
        if (incomplete != null) {
            sb.append(first ? "" : ", ").append("<incomplete sequence ").append(incomplete).append('>');
        }
    }

    private static boolean printable(int cp) {
        if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
            return false;
        }
        int t = Character.getType(cp);
        return t != Character.FORMAT && t != Character.SURROGATE && t != Character.PRIVATE_USE && t != Character.LINE_SEPARATOR
                && t != Character.PARAGRAPH_SEPARATOR;
    }

    /** A character as gdb escapes it inside quotes {@code q}. */
    static String charLiteral(int c, char q) {
        c &= 0xFF;
        switch (c) {
            case 7: return "\\a";
            case 8: return "\\b";
            case 9: return "\\t";
            case 10: return "\\n";
            case 11: return "\\v";
            case 12: return "\\f";
            case 13: return "\\r";
            case 27: return "\\033";
            case '\\': return "\\\\";
            default:
                if (c == q) {
                    return "\\" + q;
                }
                if (c >= 0x20 && c < 0x7f) {
                    return String.valueOf((char) c);
                }
                return String.format("\\%03o", c);
        }
    }

    private void aggregate(StringBuilder sb, DwarfType t, ValueBytes v, int offset, int depth) {
        if (depth >= MAX_DEPTH) {
            sb.append("{...}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (DwarfType.Member m : t.members()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            if (m.name() != null) {
                sb.append(m.name()).append(" = ");
            }
            int at = offset + (int) Math.min(m.byteOffset(), ValueBytes.MAX_BYTES);
            if (m.bitSize() > 0) {
                bitField(sb, m, v, at);
            } else {
                value(sb, m.type(), v, at, depth + 1);
            }
        }
        sb.append('}');
    }

    private void bitField(StringBuilder sb, DwarfType.Member m, ValueBytes v, int at) {
        int bytes = (m.bitOffset() + m.bitSize() + 7) / 8;
        Missing miss = v.missingIn(at, bytes);
        if (miss != null) {
            sb.append(missingText(miss));
            return;
        }
        long raw = v.unsigned(at, Math.min(bytes, 8)) >>> m.bitOffset();
        long field = m.bitSize() >= 64 ? raw : raw & ((1L << m.bitSize()) - 1);
        DwarfType t = m.type().stripped();
        int n = (int) Math.max(1, Math.min(8, t.byteSize()));
        boolean signed = t.kind() == DwarfType.Kind.BASE && (t.encoding() == DwarfType.ATE_SIGNED || t.encoding() == DwarfType.ATE_SIGNED_CHAR);
        if (signed && m.bitSize() < 64 && (field >> (m.bitSize() - 1) & 1) == 1) {
            field |= -1L << m.bitSize();
        }
        scalar(sb, m.type(), t, field & mask(n), n);
    }

    private void array(StringBuilder sb, DwarfType t, ValueBytes v, int offset, int depth) {
        List<DwarfType.Dimension> dims = t.dimensions();
        if (dims.stream().anyMatch(DwarfType.Dimension::runTime)) {
            // its length is in another variable (DW_AT_upper_bound refers to it); printing "{}" would be a lie
            sb.append(missingText(Missing.notEvaluated(VARIABLE_LENGTH)));
            return;
        }
        DwarfType element = t.target() == null ? DwarfType.UNKNOWN : t.target();
        array(sb, dims, 0, element, v, offset, depth);
    }

    private void array(StringBuilder sb, List<DwarfType.Dimension> dims, int dim, DwarfType element, ValueBytes v, int offset, int depth) {
        long count = dims.isEmpty() ? 0 : Math.max(0, dims.get(dim).count());
        long stride = element.byteSize();
        for (int d = dim + 1; d < dims.size(); d++) {
            stride *= Math.max(0, dims.get(d).count());
        }
        boolean last = dim + 1 >= dims.size();
        if (last && isTextual(element) && stride == 1) {
            charArray(sb, v, offset, (int) Math.min(count, ValueBytes.MAX_BYTES));
            return;
        }
        if (depth >= MAX_DEPTH) {
            sb.append("{...}");
            return;
        }
        sb.append('{');
        int printed = 0;
        long i = 0;
        boolean first = true;
        while (i < count) {
            if (printed >= PRINT_ELEMENTS) {
                sb.append("...");
                break;
            }
            String one = element(dims, dim, last, element, v, offset + (int) Math.min(i * stride, ValueBytes.MAX_BYTES), depth);
            long run = 1;
            while (i + run < count && element(dims, dim, last, element, v, offset + (int) Math.min((i + run) * stride, ValueBytes.MAX_BYTES), depth).equals(one)) {
                run++;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            if (run > REPEAT_THRESHOLD) {
                sb.append(one).append(" <repeats ").append(run).append(" times>");
                i += run;
                printed += REPEAT_THRESHOLD;
            } else {
                sb.append(one);
                i++;
                printed++;
            }
        }
        sb.append('}');
    }

    private String element(List<DwarfType.Dimension> dims, int dim, boolean last, DwarfType element, ValueBytes v, int at, int depth) {
        StringBuilder e = new StringBuilder();
        int before = missing.size();
        if (last) {
            value(e, element, v, at, depth + 1);
        } else {
            array(e, dims, dim + 1, element, v, at, depth + 1);
        }
        // repeated elements are compared by text; keep one record per distinct missing part
        while (missing.size() > before + 1) {
            missing.remove(missing.size() - 1);
        }
        return e.toString();
    }

    private void charArray(StringBuilder sb, ValueBytes v, int offset, int count) {
        Missing miss = v.missingIn(offset, count);
        if (miss != null) {
            sb.append(missingText(miss));
            return;
        }
        int length = count;
        boolean more = false;
        if (length > PRINT_ELEMENTS) {
            length = PRINT_ELEMENTS;
            more = true;
        } else if (length > 0 && v.data[offset + length - 1] == 0) {
            length--; // gdb leaves out one trailing NUL
        }
        List<Integer> chars = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            chars.add(v.data[offset + i] & 0xFF);
        }
        quoted(sb, chars, length);
        if (more) {
            sb.append("...");
        }
    }
}
