package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.symbols.SourceFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The test ELFs of src/test/resources/dwarf and gdb's recorded answers for them (see gdb-truth.py). */
final class GdbTruth {
    static final Path DIR = resources();

    private GdbTruth() {
    }

    private static Path resources() {
        String root = System.getProperty("zmkagent.repoRoot");
        Path p = root != null ? Path.of(root, "coredump", "src", "test", "resources", "dwarf") : Path.of("src", "test", "resources", "dwarf");
        if (!Files.isDirectory(p)) {
            p = Path.of("coredump", "src", "test", "resources", "dwarf");
        }
        return p.toAbsolutePath();
    }

    static List<String> elfNames() {
        try (Stream<Path> s = Files.list(DIR.resolve("elf"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".elf"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path elfPath(String name) {
        return DIR.resolve("elf").resolve(name + ".elf");
    }

    static ElfFile elf(String name) {
        try {
            return ElfFile.parse(ByteView.of(Files.readAllBytes(elfPath(name))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> truth(String name) {
        try {
            return Files.readAllLines(DIR.resolve("truth").resolve(name + ".txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Our answer for {@code pc} in gdb-truth.py's frame format. */
    static String format(List<SourceFrame> frames) {
        List<String> parts = new ArrayList<>();
        for (SourceFrame f : frames) {
            parts.add(f.function() + "|" + (f.file() == null ? "" : f.file()) + "|" + f.line() + "|" + (f.inlined() ? "i" : "-"));
        }
        return String.join(";", parts);
    }

    /** gdb's "info symbol" text without the offset: the ELF symbol name, or "" when none. */
    static String minsymName(String column) {
        int plus = column.indexOf(" + ");
        return plus >= 0 ? column.substring(0, plus) : column;
    }

    /**
     * Compares every line of a truth file with {@code symbolizer}; returns the differing lines as
     * "pc: gdb=... ours=..." (empty when all agree).
     */
    static List<String> differences(List<String> truthLines, DebugInfo dwarf, ElfSymbolizer elfOnly) {
        List<String> diffs = new ArrayList<>();
        for (String line : truthLines) {
            String[] cols = line.split("\t", -1);
            long pc = Long.parseLong(cols[0].substring(2), 16);
            String ours = format(dwarf.framesStrict(pc));
            if (!ours.equals(cols[1])) {
                diffs.add(cols[0] + ": gdb=" + cols[1] + " ours=" + ours);
            }
            String sym = minsymName(cols[2]);
            String ourSym = elfOnly.frames(pc).get(0).function();
            if (!(sym.isEmpty() ? ElfSymbolizer.UNKNOWN : sym).equals(ourSym)) {
                diffs.add(cols[0] + ": gdb symbol=" + sym + " ours=" + ourSym);
            }
        }
        return diffs;
    }
}
