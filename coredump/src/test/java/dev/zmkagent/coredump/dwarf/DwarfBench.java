package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.symbols.SourceFrame;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Benchmark, not a test: opens a firmware-size ELF (make one with src/test/resources/dwarf/gen-zmk-size.sh) and
 * symbolizes 20 random code addresses, cold, in a fresh JVM. Prints the time against a baseline measured in the
 * same process (reading the ELF file and parsing its headers and symbols), how many units were decoded, the heap in
 * use, and the JVM's uptime at the end (the whole run including JVM start).
 *
 * <pre>java -cp coredump/target/classes:coredump/target/test-classes dev.zmkagent.coredump.dwarf.DwarfBench /tmp/zmk-size/zmk-size.elf [COUNT [--gdb]]</pre>
 *
 * With {@code --gdb} it then also compares the answers for the same addresses with gdb-multiarch's.
 */
public final class DwarfBench {
    private DwarfBench() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args.length > 0 ? args[0] : "/tmp/zmk-size/zmk-size.elf");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 20;

        long t0 = System.nanoTime();
        ElfFile elf = ElfFile.parse(ByteView.of(Files.readAllBytes(path)));
        List<ElfSymbol> functions = new ArrayList<>();
        for (ElfSymbol s : elf.symbols().all()) {
            if (s.isFunction() && s.size() >= 2) {
                functions.add(s);
            }
        }
        long baseline = System.nanoTime() - t0;

        Random random = new Random(42);
        long[] pcs = new long[count];
        for (int i = 0; i < count; i++) {
            ElfSymbol f = functions.get(random.nextInt(functions.size()));
            pcs[i] = f.address() + (random.nextInt((int) f.size()) & ~1);
        }

        long t1 = System.nanoTime();
        DebugInfo dwarf = DebugInfo.of(elf);
        int frames = 0;
        int inlined = 0;
        for (long pc : pcs) {
            for (SourceFrame f : dwarf.frames(pc)) {
                frames++;
                inlined += f.inlined() ? 1 : 0;
            }
            dwarf.function(pc);
        }
        long cold = System.nanoTime() - t1;

        long t2 = System.nanoTime();
        DebugInfo again = DebugInfo.of(elf);
        for (long pc : pcs) {
            again.frames(pc);
            again.function(pc);
        }
        long warm = System.nanoTime() - t2;

        Runtime rt = Runtime.getRuntime();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        System.gc();
        long retained = rt.totalMemory() - rt.freeMemory();
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();

        System.out.printf("ELF %s: %.1f MB, %d function symbols%n", path, Files.size(path) / 1e6, functions.size());
        System.out.printf("baseline (read ELF + parse headers and symbols): %.1f ms%n", baseline / 1e6);
        System.out.printf("open DWARF + symbolize %d pcs, cold: %.1f ms = %.2f x baseline (%d frames, %d inlined; %d of %d units decoded)%n",
                count, cold / 1e6, (double) cold / baseline, frames, inlined, dwarf.decodedUnits(), dwarf.knownUnits());
        System.out.printf("same again, JIT warm, new DebugInfo: %.1f ms = %.2f x baseline%n", warm / 1e6, (double) warm / baseline);
        System.out.printf("heap in use: %.1f MB before GC, %.1f MB after (the ELF bytes alone are %.1f MB)%n",
                heapBefore / 1e6, retained / 1e6, Files.size(path) / 1e6);
        System.out.printf("JVM uptime at end (includes JVM start): %d ms%n", uptime);
        if (args.length > 2 && args[2].equals("--gdb")) {
            // Accuracy on the same addresses, against gdb-multiarch (not part of the timing).
            List<String> diffs = GdbTruth.differences(GdbLive.truth(path, pcs), DebugInfo.of(elf), new ElfSymbolizer(elf));
            System.out.printf("against gdb-multiarch: %d of %d addresses differ%s%n", diffs.size() / 1, count,
                    diffs.isEmpty() ? "" : "\n  " + String.join("\n  ", diffs));
        }
        if (!dwarf.warnings().isEmpty()) {
            System.out.println("warnings: " + dwarf.warnings());
        }
    }
}
