package dev.zmkagent.coredump.values;

import dev.zmkagent.coredump.dwarf.DwarfType;
import java.util.ArrayList;
import java.util.List;

/** C type names as gdb's {@code whatis} prints them: {@code const char *}, {@code int (*)(void *)}, {@code char [8]}. */
final class TypeNames {
    private static final int MAX_DEPTH = 32;

    private TypeNames() {
    }

    static String of(DwarfType t) {
        return declare(t, "", 0).trim();
    }

    /** The declaration of {@code inner} (what is being declared so far, e.g. "*") with type {@code t}. */
    private static String declare(DwarfType t, String inner, int depth) {
        if (t == null) {
            return join("void", inner);
        }
        if (depth > MAX_DEPTH) {
            return join("...", inner);
        }
        switch (t.kind()) {
            case POINTER, REFERENCE: {
                String mark = t.kind() == DwarfType.Kind.POINTER ? "*" : "&";
                DwarfType target = t.target();
                DwarfType.Kind k = target == null ? DwarfType.Kind.VOID : target.kind();
                String next = mark + inner;
                if (k == DwarfType.Kind.FUNCTION || k == DwarfType.Kind.ARRAY) {
                    next = "(" + next + ")";
                }
                return declare(target, next, depth + 1);
            }
            case CONST, VOLATILE, RESTRICT, ATOMIC: {
                String q = switch (t.kind()) {
                    case CONST -> "const";
                    case VOLATILE -> "volatile";
                    case RESTRICT -> "restrict";
                    default -> "_Atomic";
                };
                DwarfType target = t.target();
                if (target != null && (target.kind() == DwarfType.Kind.POINTER || target.kind() == DwarfType.Kind.REFERENCE)) {
                    return declare(target, " " + q + (inner.isEmpty() ? "" : " " + inner.trim()), depth + 1);
                }
                String base = declare(target, "", depth + 1);
                return join(q + " " + base, inner);
            }
            case ARRAY: {
                StringBuilder dims = new StringBuilder();
                for (DwarfType.Dimension d : t.dimensions()) {
                    dims.append('[').append(d.count() >= 0 ? Long.toString(d.count()) : "").append(']');
                }
                if (t.dimensions().isEmpty()) {
                    dims.append("[]");
                }
                String decl = inner.isEmpty() ? " " + dims : inner + dims;
                return declare(t.target(), decl, depth + 1);
            }
            case FUNCTION: {
                List<String> ps = new ArrayList<>();
                for (DwarfType p : t.parameters()) {
                    ps.add(of(p));
                }
                if (t.varargs()) {
                    ps.add("...");
                } else if (ps.isEmpty() && t.prototyped()) {
                    ps.add("void");
                }
                String decl = (inner.isEmpty() ? " " : inner) + "(" + String.join(", ", ps) + ")";
                return declare(t.target(), decl, depth + 1);
            }
            case STRUCT:
                return join("struct " + (t.name() == null ? "{...}" : t.name()), inner);
            case UNION:
                return join("union " + (t.name() == null ? "{...}" : t.name()), inner);
            case CLASS:
                return join("class " + (t.name() == null ? "{...}" : t.name()), inner);
            case ENUM:
                return join("enum " + (t.name() == null ? "{...}" : t.name()), inner);
            case VOID:
                return join("void", inner);
            default:
                return join(t.name() == null ? "?" : t.name(), inner);
        }
    }

    private static String join(String base, String inner) {
        if (inner.isEmpty()) {
            return base;
        }
        if (inner.startsWith(" ") || inner.startsWith("[") ) {
            return base + (inner.startsWith(" ") ? inner : " " + inner);
        }
        return base + " " + inner;
    }
}
