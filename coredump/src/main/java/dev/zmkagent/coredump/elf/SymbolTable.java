package dev.zmkagent.coredump.elf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Address and name lookups over the ELF symbol table, built once and searched by binary search. */
public final class SymbolTable {
    private final List<ElfSymbol> all;
    private final ElfSymbol[] byAddress;
    private final long[] starts;
    private Map<String, ElfSymbol> byName;
    /** ARM mapping symbols ($a, $t, $d, with optional ".suffix"), by address: where code and literal data begin. */
    private final long[] mappingStarts;
    private final char[] mappingKinds;

    SymbolTable(List<ElfSymbol> symbols) {
        this.all = Collections.unmodifiableList(symbols);
        List<ElfSymbol> located = new ArrayList<>();
        List<ElfSymbol> mappings = new ArrayList<>();
        for (ElfSymbol s : symbols) {
            if (s.isFunction() || s.isObject()) {
                located.add(s);
            } else if (isMappingSymbol(s.name())) {
                mappings.add(s);
            }
        }
        mappings.sort(Comparator.comparingLong(ElfSymbol::address));
        this.mappingStarts = new long[mappings.size()];
        this.mappingKinds = new char[mappings.size()];
        for (int i = 0; i < mappings.size(); i++) {
            mappingStarts[i] = mappings.get(i).address();
            mappingKinds[i] = mappings.get(i).name().charAt(1);
        }
        // Sort by address, larger first at equal addresses so a sized symbol wins over an alias of size 0.
        located.sort(Comparator.comparingLong(ElfSymbol::address).thenComparing(Comparator.comparingLong(ElfSymbol::size).reversed()));
        this.byAddress = located.toArray(new ElfSymbol[0]);
        this.starts = new long[byAddress.length];
        for (int i = 0; i < byAddress.length; i++) {
            starts[i] = byAddress[i].address();
        }
    }

    public List<ElfSymbol> all() {
        return all;
    }

    /** The function or object symbol whose [address, address+size) holds {@code addr}. */
    public Optional<ElfSymbol> containing(long addr) {
        int i = Arrays.binarySearch(starts, addr);
        if (i < 0) {
            i = -i - 2;
        } else {
            while (i + 1 < starts.length && starts[i + 1] == addr) {
                i++;
            }
        }
        // Walk back over symbols starting at or below addr: nested/overlapping sizes are rare but exist.
        for (int j = i; j >= 0 && j > i - 8; j--) {
            ElfSymbol s = byAddress[j];
            if (s.contains(addr)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The function symbol containing {@code addr}. */
    public Optional<ElfSymbol> functionAt(long addr) {
        return containing(addr).filter(ElfSymbol::isFunction);
    }

    private static boolean isMappingSymbol(String name) {
        return name.length() >= 2 && name.charAt(0) == '$' && "atd".indexOf(name.charAt(1)) >= 0
                && (name.length() == 2 || name.charAt(2) == '.');
    }

    /**
     * Whether {@code addr} lies in data inside code (a literal pool, a jump table) by the ARM ELF mapping symbols: the
     * last of {@code $a}/{@code $t}/{@code $d} at or below it is {@code $d}. False when the ELF has no mapping symbols.
     */
    public boolean isDataInCode(long addr) {
        int i = Arrays.binarySearch(mappingStarts, addr);
        if (i < 0) {
            i = -i - 2;
        } else {
            while (i + 1 < mappingStarts.length && mappingStarts[i + 1] == addr) {
                i++;
            }
        }
        return i >= 0 && mappingKinds[i] == 'd';
    }

    public Optional<ElfSymbol> byName(String name) {
        if (byName == null) {
            Map<String, ElfSymbol> m = new HashMap<>();
            for (ElfSymbol s : all) {
                if (!s.name().isEmpty()) {
                    m.putIfAbsent(s.name(), s);
                }
            }
            byName = m;
        }
        return Optional.ofNullable(byName.get(name));
    }
}
