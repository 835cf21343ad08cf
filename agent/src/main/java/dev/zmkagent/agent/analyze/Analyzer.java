package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.cortexm.ExcReturn;
import dev.zmkagent.coredump.cortexm.FaultReason;
import dev.zmkagent.coredump.cortexm.FaultStatus;
import dev.zmkagent.coredump.cortexm.Xpsr;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.format.ZephyrDumpParser;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.uf2.FlashImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The offline analysis pipeline: recognise the input, find the partition, parse the dump, check the ELF, build
 * the memory model, symbolize and explain. Pure apart from reading the two files it is given.
 */
public final class Analyzer {
    private final BoardCatalog catalog;

    public Analyzer(BoardCatalog catalog) {
        this.catalog = catalog;
    }

    public CrashReport analyze(AnalyzeRequest request) throws IOException {
        byte[] content = readBounded(request.input(), "dump");
        DumpInput input = new InputReader(catalog).read(request.input().toString(), content, request.base());
        Optional<ElfFile> elf = Optional.empty();
        if (request.elf().isPresent()) {
            byte[] elfBytes = readBounded(request.elf().get(), "ELF");
            try {
                elf = Optional.of(ElfFile.parse(ByteView.of(elfBytes)));
            } catch (FormatException e) {
                throw new FormatException(request.elf().get() + ": " + e.getMessage());
            }
        }
        return analyze(input, elf, request.elf().map(Path::toString));
    }

    static byte[] readBounded(Path path, String what) throws IOException {
        try {
            long size = Files.size(path);
            if (size > InputReader.MAX_INPUT) {
                throw new FormatException(String.format("%s is %d MiB; a %s is never larger than %d MiB", path, size >> 20, what, InputReader.MAX_INPUT >> 20));
            }
            if (Files.isDirectory(path)) {
                throw new FormatException(path + " is a folder, not a " + what + " file");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new FormatException("no such file: " + path);
        }
    }

    public CrashReport analyze(DumpInput input, Optional<ElfFile> elf, Optional<String> elfPath) {
        List<String> warnings = new ArrayList<>(input.notes());
        List<String> diagnosis = new ArrayList<>();

        // 1. Where is the dump?
        StoredDump stored = null;
        Optional<ZephyrDump> dump;
        CrashReport.Partition partition;
        if (input.stream().isPresent()) {
            ZephyrDump d = ZephyrDumpParser.parse(input.stream().get());
            dump = Optional.of(d);
            partition = new CrashReport.Partition(OptionalLong.empty(), OptionalLong.empty(), "the input is the dump stream itself", "none",
                    Optional.empty(), OptionalLong.of(d.streamLength()), false);
        } else if (input.partition().isPresent()) {
            ByteView p = input.partition().get();
            stored = StoredDump.read(p);
            dump = stored.dump();
            partition = partitionOf(OptionalLong.empty(), p.length(), "the input is the partition image", stored);
        } else {
            FlashImage flash = input.flash().orElseThrow();
            DumpLocator.Result located = new DumpLocator(catalog).locate(flash, input.board());
            if (located.found().isPresent()) {
                DumpLocator.Found f = located.found().get();
                stored = f.stored();
                dump = stored.dump();
                partition = partitionOf(OptionalLong.of(f.address()), f.size(), f.how(), stored);
            } else {
                dump = Optional.empty();
                partition = new CrashReport.Partition(OptionalLong.empty(), OptionalLong.empty(), "no coredump found in the input",
                        "none", Optional.empty(), OptionalLong.empty(), false);
                diagnosis.add("No valid coredump header ('CD') at any known partition or any 4 KiB-aligned address of the input.");
                for (String w : located.explanation()) {
                    diagnosis.add("Known partition " + w + ".");
                }
                diagnosis.add("If the keyboard froze without a fault (a hang, not a crash), Zephyr writes no dump: only faults, oopses, panics and failed asserts do.");
            }
        }
        if (stored != null && stored.dump().isEmpty() && dump.isEmpty() && input.partition().isPresent()) {
            diagnosis.add("The partition image holds no dump: " + DumpLocator.describe(stored) + ".");
        }

        // 2. Firmware identity.
        Optional<CrashReport.Firmware> firmware = Optional.empty();
        if (elf.isPresent()) {
            String identity;
            boolean mismatch = false;
            if (input.flash().isPresent()) {
                ElfIdentityCheck.Result id = ElfIdentityCheck.check(elf.get(), input.flash().get());
                identity = id.describe();
                mismatch = id.mismatch();
                if (mismatch) {
                    warnings.add(0, identity);
                }
            } else {
                identity = "the input holds no firmware image, so the ELF could not be checked against the device (make sure it is the flashed build)";
            }
            firmware = Optional.of(new CrashReport.Firmware(elfPath.orElse("?"), elf.get().buildId(), identity, mismatch));
        }

        if (dump.isEmpty()) {
            return new CrashReport(describeInput(input), partition, Optional.empty(), firmware, List.of(), List.of(), List.of(),
                    diagnosis, warnings, Optional.empty());
        }
        ZephyrDump d = dump.get();
        warnings.addAll(d.warnings());

        // 3. Memory model: dump blocks, then the flash image, then the ELF's allocated sections.
        RegionMemory memory = new RegionMemory();
        for (MemoryBlock mb : d.memory()) {
            memory.add("dump", mb.start(), mb.data().toArray());
        }
        input.flash().ifPresent(f -> f.runs().forEach(r -> memory.add("flash image", r.start(), r.data())));
        elf.ifPresent(e -> {
            for (ElfSection s : e.sections()) {
                if (s.isAllocated() && s.hasFileData() && !s.isWritable() && s.size() > 0) {
                    memory.add("ELF " + s.name(), s.address(), s.data().toArray());
                }
            }
        });

        List<CrashReport.MemoryRange> ranges = new ArrayList<>();
        for (MemoryBlock mb : d.memory()) {
            ranges.add(new CrashReport.MemoryRange(new AddressRange(mb.start(), mb.storedEnd()), true, "dump"));
            if (mb.truncated()) {
                ranges.add(new CrashReport.MemoryRange(new AddressRange(mb.storedEnd(), mb.end()), false, "lost: the dump was truncated"));
            }
        }

        // 4. Registers and decoding.
        List<CrashReport.Register> regs = new ArrayList<>();
        Optional<String> excReturn = Optional.empty();
        String xpsr = "unknown";
        int archVersion = 0;
        boolean calleeKnown = false;
        if (d.arch().isPresent()) {
            ArchBlock a = d.arch().get();
            archVersion = a.version();
            calleeKnown = a.calleeSavedKnown();
            for (int i = 0; i < ArchBlock.COUNT; i++) {
                regs.add(new CrashReport.Register(ArchBlock.name(i), a.r(i), a.known(i)));
            }
            xpsr = Xpsr.describe(a.xpsr());
            excReturn = ExcReturn.of(a.lr()).map(ExcReturn::describe);
        }
        List<String> faultStatus = FaultStatus.from(memory).map(FaultStatus::sentences).orElse(List.of());

        // 5. Frames (symbolized pc and lr; the full unwinder replaces this).
        List<CrashReport.Frame> frames = new FrameBuilder(elf).frames(d);

        // 6. Explanations.
        boolean truncated = d.truncated() || (stored != null && stored.checksumOk().isPresent() && !stored.checksumOk().get());
        if (truncated) {
            explainTruncation(d, stored, diagnosis);
        }
        if (d.arch().isPresent()) {
            long sp = d.arch().get().sp();
            if (sp != 0 && !memory.has(sp, 4)) {
                diagnosis.add(String.format("The stack pointer 0x%08x is not in the dumped memory, so the stack (and any backtrace beyond the first frame) is unavailable%s.",
                        sp, truncated ? " — it was lost to the truncation" : ""));
            }
        }
        if (elf.isEmpty()) {
            diagnosis.add("No ELF given: functions and source lines are not shown. The zmk_debug CI build artifacts carry <artifact>.elf next to the .uf2; pass it with --elf.");
        }
        if (stored != null && stored.interrupted()) {
            diagnosis.add("The dump's header was never written (it is written last): the device reset or lost power while saving. What was saved is shown, its length is a guess.");
        }

        CrashReport.Dump dumpInfo = new CrashReport.Dump(d.headerVersion(), archVersion, d.reason() & 0xFFFF_FFFFL,
                FaultReason.name(d.reason()), FaultReason.meaning(d.reason()), truncated, regs, calleeKnown, xpsr, excReturn);
        return new CrashReport(describeInput(input), partition, Optional.of(dumpInfo), firmware, frames, ranges, faultStatus,
                diagnosis, warnings, Optional.empty());
    }

    private static void explainTruncation(ZephyrDump d, StoredDump stored, List<String> diagnosis) {
        long declared = 0;
        long kept = 0;
        for (MemoryBlock mb : d.memory()) {
            declared += mb.declaredLength();
            kept += mb.data().length();
        }
        StringBuilder s = new StringBuilder("The dump is truncated");
        if (stored != null && stored.checksumOk().isPresent() && !stored.checksumOk().get()) {
            s.append(String.format(" (stored checksum 0x%04x, computed 0x%04x)", stored.header().orElseThrow().checksum(), stored.computedChecksum()));
        }
        s.append(String.format(": the memory blocks declare %d bytes but only %d were stored.", declared, kept));
        diagnosis.add(s.toString());
        diagnosis.add("Likely cause: CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_LINKER_RAM (the default) dumps all of RAM, which does not fit the 64 KiB coredump partition."
                + " Fix: set CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS=y (all thread stacks) or CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_MIN=y (the faulting thread), or enlarge the partition.");
    }

    private static CrashReport.Partition partitionOf(OptionalLong address, long size, String how, StoredDump stored) {
        return new CrashReport.Partition(address, OptionalLong.of(size), how, stored.interrupted() ? "erased (interrupted dump)" : stored.headerState().name().toLowerCase(),
                stored.checksumOk(), stored.header().map(h -> OptionalLong.of(h.size())).orElse(
                        stored.dump().map(z -> OptionalLong.of(z.streamLength())).orElse(OptionalLong.empty())), stored.interrupted());
    }

    private static CrashReport.Input describeInput(DumpInput in) {
        return new CrashReport.Input(in.kind().id(), in.path(), in.description(), in.base(), in.board().map(b -> b.name() + " (" + b.id() + ")"),
                in.window().map(w -> String.format("0x%x-0x%x", w.start(), w.end())));
    }
}
