package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One abbreviation table from .debug_abbrev: code to (tag, children flag, attribute specs). */
final class AbbrevTable {
    /** One abbreviation. {@code implicitConst[i]} is the value for DW_FORM_implicit_const specs. */
    record Abbrev(long code, int tag, boolean hasChildren, int[] names, int[] forms, long[] implicitConst) {
    }

    private static final int DENSE_LIMIT = 4096;
    private final Abbrev[] dense;
    private final Map<Long, Abbrev> sparse;

    private AbbrevTable(Abbrev[] dense, Map<Long, Abbrev> sparse) {
        this.dense = dense;
        this.sparse = sparse;
    }

    Abbrev get(long code) {
        if (code > 0 && code < dense.length && dense[(int) code] != null) {
            return dense[(int) code];
        }
        return sparse.get(code);
    }

    static AbbrevTable parse(ByteView section, long offset) {
        if (offset < 0 || offset >= section.length()) {
            throw DwarfSections.error(".debug_abbrev", section, Math.max(0, offset),
                    "abbreviation table offset is past the end of the section (" + section.length() + " bytes)");
        }
        ByteCursor c = section.cursor((int) offset);
        List<Abbrev> list = new ArrayList<>();
        Map<Long, Abbrev> sparse = new HashMap<>();
        int maxDense = 0;
        try {
            while (true) {
                long code = c.uleb128();
                if (code == 0) {
                    break;
                }
                int tag = (int) c.uleb128();
                boolean children = c.u8() != 0;
                List<int[]> specs = new ArrayList<>();
                List<Long> consts = new ArrayList<>();
                while (true) {
                    int name = (int) c.uleb128();
                    int form = (int) c.uleb128();
                    long implicit = 0;
                    if (form == Dw.FORM_IMPLICIT_CONST) {
                        implicit = c.sleb128();
                    }
                    if (name == 0 && form == 0) {
                        break;
                    }
                    specs.add(new int[] {name, form});
                    consts.add(implicit);
                }
                int[] names = new int[specs.size()];
                int[] forms = new int[specs.size()];
                long[] implicitConst = new long[specs.size()];
                for (int i = 0; i < names.length; i++) {
                    names[i] = specs.get(i)[0];
                    forms[i] = specs.get(i)[1];
                    implicitConst[i] = consts.get(i);
                }
                Abbrev a = new Abbrev(code, tag, children, names, forms, implicitConst);
                if (code >= 0 && code < DENSE_LIMIT) { // a uleb128 past 2^63 reads as negative
                    list.add(a);
                    maxDense = Math.max(maxDense, (int) code);
                } else {
                    sparse.put(code, a);
                }
            }
        } catch (FormatException e) {
            throw DwarfSections.within(".debug_abbrev", "abbreviation table", offset, e);
        }
        Abbrev[] dense = new Abbrev[maxDense + 1];
        for (Abbrev a : list) {
            dense[(int) a.code()] = a;
        }
        return new AbbrevTable(dense, sparse);
    }
}
