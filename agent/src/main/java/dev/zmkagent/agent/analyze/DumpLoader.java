package dev.zmkagent.agent.analyze;

import dev.zmkagent.agent.io.UserFiles;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.format.ZephyrDumpParser;
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
 * Loads a dump from any input form: recognises the input, finds the partition, parses the stream, reads the ELF
 * and builds the memory model (dump blocks first, then the flash image, then the ELF's read-only sections, the
 * order gdb expects). Shared by {@code analyze} and {@code gdbserver}.
 */
public final class DumpLoader {
    private final BoardCatalog catalog;

    public DumpLoader(BoardCatalog catalog) {
        this.catalog = catalog;
    }

    public LoadedDump load(AnalyzeRequest request) throws IOException {
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
        return load(input, elf, request.elf().map(Path::toString));
    }

    static byte[] readBounded(Path path, String what) throws IOException {
        return UserFiles.read(path, what, InputReader.MAX_INPUT);
    }

    public LoadedDump load(DumpInput input, Optional<ElfFile> elf, Optional<String> elfPath) {
        List<String> diagnosis = new ArrayList<>();
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

        RegionMemory memory = new RegionMemory();
        if (dump.isPresent()) {
            ZephyrDump d = dump.get();
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
        }
        return new LoadedDump(input, Optional.ofNullable(stored), dump, partition, List.copyOf(diagnosis), elf, elfPath, memory);
    }

    static CrashReport.Partition partitionOf(OptionalLong address, long size, String how, StoredDump stored) {
        return new CrashReport.Partition(address, OptionalLong.of(size), how, stored.interrupted() ? "erased (interrupted dump)" : stored.headerState().name().toLowerCase(),
                stored.checksumOk(), stored.header().filter(h -> stored.headerState() == FlashHeader.State.VALID).map(h -> OptionalLong.of(h.size())).orElse(
                        stored.dump().map(z -> OptionalLong.of(z.streamLength())).orElse(OptionalLong.empty())), stored.interrupted());
    }
}
