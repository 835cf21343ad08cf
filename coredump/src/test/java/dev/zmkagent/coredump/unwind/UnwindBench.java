package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.unwind.cfi.CfiInterpreter;
import dev.zmkagent.coredump.unwind.cfi.CfiParser;
import dev.zmkagent.coredump.unwind.cfi.Fde;
import dev.zmkagent.coredump.unwind.cfi.FdeIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark (run by hand, prints figures; not a test): generates a C file with ~2,700 functions, compiles it with
 * arm-none-eabi-gcc into a temp directory (nothing is committed), and times, in one process, against baselines:
 * <ul>
 *   <li>building the sorted FDE index vs parsing the ELF and its symbol table;</li>
 *   <li>finding the FDE and executing its CFI for every function, binary search vs a linear scan of the FDEs;</li>
 *   <li>a whole backtrace (the O2-s1 QEMU fixture, 4 frames) vs one ELF symbol lookup per frame.</li>
 * </ul>
 * Run: {@code java -cp coredump/target/classes:coredump/target/test-classes dev.zmkagent.coredump.unwind.UnwindBench}
 * from the repository root (the fixture path is relative to coredump/).
 */
public final class UnwindBench {
    public static void main(String[] args) throws Exception {
        int functions = args.length > 0 ? Integer.parseInt(args[0]) : 2700;
        Path dir = Files.createTempDirectory("unwind-bench");
        StringBuilder c = new StringBuilder("volatile int sink;\n");
        for (int i = 0; i < functions; i++) {
            c.append("int f").append(i).append("(int x);\n");
        }
        for (int i = 0; i < functions; i++) {
            c.append("__attribute__((noinline)) int f").append(i).append("(int x) { int a[").append(2 + i % 7)
                    .append("]; a[x & 1] = x; sink = a[0]; return ").append(i + 1 < functions ? "f" + (i + 1) + "(x + 1) + 1" : "x")
                    .append("; }\n");
        }
        c.append("void _start(void) { f0(1); for (;;) {} }\n");
        Files.writeString(dir.resolve("big.c"), c);
        Process p = new ProcessBuilder("arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-g", "-O2", "-nostdlib",
                "-ffreestanding", "big.c", "-o", "big.elf").directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("arm-none-eabi-gcc failed");
        }
        byte[] bytes = Files.readAllBytes(dir.resolve("big.elf"));
        ElfFile elf = ElfFile.parse(ByteView.of(bytes));
        FdeIndex index = FdeIndex.build(elf);
        List<Fde> fdes = CfiParser.parseDebugFrame(elf.section(".debug_frame").orElseThrow().data());
        System.out.printf("ELF %d KiB, %d FDEs indexed%n", bytes.length / 1024, index.size());

        long base = time(20, () -> ElfFile.parse(ByteView.of(bytes)));
        long build = time(20, () -> FdeIndex.build(ElfFile.parse(ByteView.of(bytes))));
        System.out.printf("parse ELF (baseline):           %8.2f ms%n", base / 1e6);
        System.out.printf("parse ELF + build FDE index:    %8.2f ms  (%.2fx baseline)%n", build / 1e6, (double) build / base);

        long[] pcs = fdes.stream().mapToLong(f -> f.start() + 2).toArray();
        long find = time(50, () -> {
            long s = 0;
            for (long pc : pcs) {
                s += index.find(pc).orElseThrow().start();
            }
            return s;
        });
        long findLinear = time(5, () -> {
            long s = 0;
            for (long pc : pcs) {
                for (Fde f : fdes) {
                    if (f.contains(pc)) {
                        s += f.start();
                        break;
                    }
                }
            }
            return s;
        });
        System.out.printf("FDE lookup only, %d pcs: binary search %8.3f ms, linear scan (baseline) %8.3f ms (%.0fx faster)%n",
                pcs.length, find / 1e6, findLinear / 1e6, (double) findLinear / find);
        long lookup = time(20, () -> {
            long s = 0;
            for (long pc : pcs) {
                s += CfiInterpreter.rowAt(index.find(pc).orElseThrow(), pc).cfaOffset();
            }
            return s;
        });
        long linear = time(3, () -> {
            long s = 0;
            for (long pc : pcs) {
                Fde hit = null;
                for (Fde f : fdes) {
                    if (f.contains(pc)) {
                        hit = f;
                        break;
                    }
                }
                s += CfiInterpreter.rowAt(hit, pc).cfaOffset();
            }
            return s;
        });
        System.out.printf("find + execute CFI, all %d functions: binary search %8.3f ms, linear scan (baseline) %8.3f ms (%.1fx faster)%n",
                pcs.length, lookup / 1e6, linear / 1e6, (double) linear / lookup);

        GdbFixture fx = new GdbFixture("O2-s1");
        Unwinder u = Unwinder.forElf(fx.elf, new TestSymbolizer(fx.elf));
        int frames = u.unwind(fx.memory, fx.registers, UnwindOptions.defaults()).frames().size();
        long bt = time(2000, () -> u.unwind(fx.memory, fx.registers, UnwindOptions.defaults()));
        long sym = time(2000, () -> {
            long s = 0;
            for (int i = 0; i < frames; i++) {
                s += fx.elf.symbols().functionAt(0xb0 + i).map(x -> x.address()).orElse(0L);
            }
            return s;
        });
        System.out.printf("one %d-frame backtrace: %8.2f us; %d ELF symbol lookups (baseline) %8.2f us (%.1fx baseline)%n",
                frames, bt / 1e3, frames, sym / 1e3, (double) bt / sym);
    }

    interface Work {
        Object run() throws Exception;
    }

    /** Median-free simple timing: warm up, then the mean nanoseconds of {@code n} runs. */
    static long time(int n, Work w) throws Exception {
        for (int i = 0; i < Math.max(3, n / 4); i++) {
            w.run();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            w.run();
        }
        return (System.nanoTime() - t0) / n;
    }
}
