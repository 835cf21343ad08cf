package dev.zmkagent.coredump.dwarf;

import java.util.List;
import java.util.Optional;

/**
 * The memory layout of a C type as DWARF describes it, with typedefs and qualifiers looked through: a struct or union
 * with its members at their offsets, an array with its element type and count (a multi-dimensional array is an array
 * of arrays), or a scalar (base, pointer, enum) of some size. {@code name} is the struct/union/base type's own name
 * ("bt_keys", not "struct bt_keys"), or null.
 */
public record TypeLayout(Kind kind, String name, long size, List<Member> members, Optional<TypeLayout> element, long count) {
    public enum Kind { STRUCT, UNION, ARRAY, SCALAR }

    public record Member(String name, long offset, TypeLayout type) {
    }

    public static TypeLayout scalar(String name, long size) {
        return new TypeLayout(Kind.SCALAR, name, size, List.of(), Optional.empty(), 0);
    }

    public boolean isStruct(String structName) {
        return kind == Kind.STRUCT && structName.equals(name);
    }

    public Optional<Member> member(String memberName) {
        return members.stream().filter(m -> memberName.equals(m.name())).findFirst();
    }
}
