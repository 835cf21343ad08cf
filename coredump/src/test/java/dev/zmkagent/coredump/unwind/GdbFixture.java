package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.RegionMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One capture from coredump/src/test/resources/unwind (made by src/capture.sh): the program ELF, RAM at the
 * breakpoint, gdb's registers and gdb's frames (FRAME lines; PREFRAME lines = the interrupted thread before the
 * exception, where QEMU could not give gdb psp).
 */
final class GdbFixture {
    record GdbFrame(int index, String kind, long pc, String function, String file, int line) {
        String location() {
            return "-".equals(file) ? function : function + " (" + file + ":" + line + ")";
        }
    }

    static final long RAM_START = 0x2000_0000L;
    static final Path DIR = Path.of("src/test/resources/unwind");

    final String name;
    final ElfFile elf;
    final RegionMemory memory;
    final RegisterSet registers;
    final List<GdbFrame> frames = new ArrayList<>();
    final List<GdbFrame> preFrames = new ArrayList<>();

    GdbFixture(String name) {
        this.name = name;
        try {
            String opt = name.substring(0, name.indexOf('-'));
            elf = ElfFile.parse(ByteView.of(Files.readAllBytes(DIR.resolve("prog-" + opt + ".elf"))));
            memory = new RegionMemory().add("ram", RAM_START, Files.readAllBytes(DIR.resolve(name + ".ram.bin")));
            RegisterSet regs = RegisterSet.empty();
            Pattern reg = Pattern.compile("^(r\\d+|sp|lr|pc|xpsr)\\s+0x([0-9a-f]+)\\s");
            Pattern frame = Pattern.compile("^(PREFRAME|FRAME) (\\d+) (\\S+) 0x([0-9a-f]+) (.+) (\\S+) (\\d+)$");
            for (String line : Files.readAllLines(DIR.resolve(name + ".gdb.txt"))) {
                Matcher m = reg.matcher(line);
                if (m.find()) {
                    regs = regs.with(RegisterSet.number(m.group(1)), Long.parseLong(m.group(2), 16));
                }
                Matcher f = frame.matcher(line);
                if (f.matches()) {
                    GdbFrame g = new GdbFrame(Integer.parseInt(f.group(2)), f.group(3), Long.parseLong(f.group(4), 16),
                            f.group(5), f.group(6), Integer.parseInt(f.group(7)));
                    (f.group(1).equals("FRAME") ? frames : preFrames).add(g);
                }
            }
            // At every capture point the core runs on the main stack (handler mode, or thread mode before the psp switch).
            registers = regs.with(RegisterSet.MSP, regs.value(RegisterSet.SP));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names() {
        try (var s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".gdb.txt"))
                    .map(n -> n.substring(0, n.length() - ".gdb.txt".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** gdb's frames that correspond to machine frames: inline and tail-call frames need DWARF call-site info. */
    List<GdbFrame> machineFrames(List<GdbFrame> all) {
        return all.stream().filter(f -> !f.kind().equals("INLINE") && !f.kind().equals("TAILCALL")).toList();
    }

    long symbol(String name) {
        return elf.symbols().byName(name).orElseThrow().address();
    }

    /** The fixture program's thread stack (2 KiB at {@code process_stack}), where an interrupted thread's frame lies. */
    AddressRange processStack() {
        long ps = symbol("process_stack");
        return new AddressRange(ps, ps + 2048);
    }

    /** Default options; captures taken on the process stack also get that stack for recovering the interrupted frame. */
    UnwindOptions unwindOptions() {
        return preFrames.isEmpty() ? UnwindOptions.defaults() : UnwindOptions.defaults().withInterruptedThreadStack(processStack());
    }
}
