package dev.zmkagent.coredump.bytes;

/**
 * Makes text read from untrusted input (dumped RAM, ELF string tables, DWARF strings) safe to print: a control or
 * formatting character could move the cursor, recolour or clear the terminal, or reorder what a reader sees
 * (bidirectional overrides). Each such character becomes a visible escape: {@code \xNN} for C0/C1 controls and DEL;
 * a backslash, "u" and the code point in hex between braces for Unicode format, line/paragraph separator, surrogate,
 * private-use and unassigned code points (so U+202E, the right-to-left override, shows as its code and cannot reorder the line).
 * Printable text, including non-ASCII letters and U+FFFD from malformed UTF-8, is kept.
 */
public final class SafeText {
    private SafeText() {
    }

    public static String of(String s) {
        if (s == null) {
            return null;
        }
        int i = 0;
        while (i < s.length() && printable(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (printable(cp)) {
                b.appendCodePoint(cp);
            } else if (cp <= 0xFF) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.append(String.format("\\u{%04x}", cp));
            }
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    static boolean printable(int cp) {
        if (cp >= 0x20 && cp < 0x7F) {
            return true;
        }
        if (Character.isISOControl(cp)) {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.FORMAT:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
                return false;
            default:
                return true;
        }
    }
}
