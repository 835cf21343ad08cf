package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.bytes.SafeText;
import dev.zmkagent.coredump.cortexm.ExcReturn;
import dev.zmkagent.coredump.cortexm.FaultReason;
import dev.zmkagent.coredump.cortexm.FaultStatus;
import dev.zmkagent.coredump.cortexm.Xpsr;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The offline analysis pipeline: recognise the input, find the partition, parse the dump, check the ELF, build
 * the memory model, symbolize and explain. Pure apart from reading the two files it is given.
 */
public final class Analyzer {
    /** nRF52840 has 256 KiB of RAM; a larger 'M' block cannot be a real dump of it. */
    private static final long MAX_PLAUSIBLE_BLOCK = 1L << 20;

    private final BoardCatalog catalog;

    public Analyzer(BoardCatalog catalog) {
        this.catalog = catalog;
    }

    public CrashReport analyze(AnalyzeRequest request) throws IOException {
        return analyze(new DumpLoader(catalog).load(request));
    }

    public CrashReport analyze(DumpInput input, Optional<ElfFile> elf, Optional<String> elfPath) {
        return analyze(new DumpLoader(catalog).load(input, elf, elfPath));
    }

    public CrashReport analyze(LoadedDump loaded) {
        DumpInput input = loaded.input();
        Optional<ElfFile> elf = loaded.elf();
        Optional<String> elfPath = loaded.elfPath();
        List<String> warnings = new ArrayList<>(input.notes());
        List<String> diagnosis = new ArrayList<>(loaded.diagnosis());
        StoredDump stored = loaded.stored().orElse(null);
        Optional<ZephyrDump> dump = loaded.dump();
        CrashReport.Partition partition = loaded.partition();
        RegionMemory memory = loaded.memory();

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
                    diagnosis, warnings, Optional.empty(), List.of());
        }
        ZephyrDump d = dump.get();
        warnings.addAll(d.warnings());

        List<CrashReport.MemoryRange> ranges = new ArrayList<>();
        for (MemoryBlock mb : d.memory()) {
            ranges.add(new CrashReport.MemoryRange(new AddressRange(mb.start(), mb.storedEnd()), true, "dump"));
            if (mb.truncated()) {
                ranges.add(new CrashReport.MemoryRange(new AddressRange(mb.storedEnd(), mb.end()), false, "lost: the dump was truncated"));
            }
        }
        ranges.sort(java.util.Comparator.comparingLong(m -> m.range().start()));

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
            xpsr = a.known(ArchBlock.XPSR) ? Xpsr.describe(a.xpsr()) : "unknown (not in the dump)";
            excReturn = a.known(ArchBlock.LR) ? ExcReturn.of(a.lr()).map(ExcReturn::describe) : Optional.empty();
        }

        List<String> faultStatus = FaultStatus.from(memory).map(FaultStatus::sentences).orElse(List.of());

        // 6. Explanations.
        // Truncation shows in the stream itself (a block runs past the stored size); a checksum mismatch without it
        // means stored bytes changed after the dump was written.
        boolean truncated = d.truncated();
        boolean corrupt = !truncated && stored != null && stored.checksumOk().isPresent() && !stored.checksumOk().get();

        // 5. Backtrace, threads and signature.
        Optional<Symbolizer> symbols = elf.map(Symbolizers::forElf);
        CrashBacktrace.Result unwound = CrashBacktrace.compute(d, elf, symbols, memory, FaultStatus.from(memory));
        List<CrashReport.Frame> frames;
        // -Dzmkagent.values=off leaves the values out: bench/analyze-bench measures what they cost with it
        Optional<dev.zmkagent.coredump.values.FrameValues> values = "off".equals(System.getProperty("zmkagent.values"))
                ? Optional.empty() : CrashBacktrace.frameValues(d, elf, symbols, memory);
        if (unwound.backtrace().isPresent()) {
            frames = CrashBacktrace.reportFrames(unwound.backtrace().get(), values);
            frames = elf.isPresent() ? NullCall.annotate(frames, elf.get()) : frames;
            unwound.spExplanation().ifPresent(e -> diagnosis.add("Stack pointer: " + e + "."));
            if (!unwound.backtrace().get().stopReason().isClean()) {
                diagnosis.add("The backtrace stops early: " + unwound.backtrace().get().stopReason().sentence());
            }
            diagnosis.addAll(unwound.backtrace().get().notes());
            CrashBacktrace.tailCallsViaEntry(frames).ifPresent(diagnosis::add);
        } else {
            frames = d.arch().filter(a -> a.known(ArchBlock.PC))
                    .map(a -> List.of(new CrashReport.Frame(0, java.util.OptionalLong.of(a.pc()), null, null, 0, false, "normal")))
                    .orElse(List.of());
            d.arch().filter(a -> !a.basicComplete()).ifPresent(a -> diagnosis.add(String.format(
                    "The architecture block holds only %d of the 9 basic registers: the others are unknown, so there is no backtrace.",
                    a.storedWords())));
        }
        if (truncated) {
            explainTruncation(d, stored, diagnosis);
        }
        if (corrupt) {
            diagnosis.add(String.format("The dump is corrupt: nothing is missing, but the checksum does not match (stored 0x%04x, computed 0x%04x)."
                    + " Some bytes changed after the dump was written (a bad copy of CURRENT.UF2, flash wear, or a partial erase); values may be wrong.",
                    stored.header().orElseThrow().checksum(), stored.computedChecksum()));
        }
        if (unwound.stackLimit().isPresent()) {
            diagnosis.add(CrashBacktrace.stackLimitDiagnosis(unwound, unwound.stackLimit().get(), d));
        } else {
            CrashBacktrace.overflow(unwound).ifPresent(diagnosis::add);
        }
        if (unwound.svc().isPresent()) {
            // the same decision that puts gdbserver's pc at the svc (CrashContext.Crashed.pcIsSvc)
            diagnosis.add(String.format("The error was raised by the svc instruction at 0x%08x: the stacked pc 0x%08x is the instruction after it,"
                    + " which can belong to the next function, so frame 0 shows the svc.", unwound.svc().getAsLong(), d.arch().get().pc()));
        }
        warnings.addAll(unwound.warnings());
        if (d.arch().isPresent() && d.arch().get().basicComplete() && frames.stream().filter(f -> !"guess".equals(f.kind())).count() <= 1) {
            long sp = unwound.interruptedSp().orElse(d.arch().get().sp());
            if (sp != 0 && !memory.has(sp, 4)) {
                diagnosis.add(String.format("The stack pointer 0x%08x is not in the dumped memory, so the stack (and any backtrace beyond the first frame) is unavailable%s.",
                        sp, truncated ? " — it was lost to the truncation" : ""));
            }
        }
        if (elf.isEmpty()) {
            diagnosis.add("No ELF given: functions and source lines are not shown. The zmk_debug CI build artifacts carry <artifact>.elf next to the .uf2; pass it with --elf.");
        }
        if (stored != null && stored.headerState() == dev.zmkagent.coredump.format.FlashHeader.State.DEVICE_ERROR) {
            diagnosis.add("The device hit a flash error while saving this dump (" + DumpLocator.describe(stored) + "): the crash below is"
                    + " what it wrote before the error; " + (stored.checksumOk().orElse(false) ? "its checksum matches, so it is whole."
                    : "its checksum does not match, so its end may be missing."));
        } else if (stored != null && !stored.interrupted() && stored.headerState() != dev.zmkagent.coredump.format.FlashHeader.State.VALID) {
            diagnosis.add("The 'CD' header is corrupt (" + DumpLocator.describe(stored) + "), but a dump stream follows it:"
                    + " it was read anyway, its length taken from the data.");
        }
        if (stored != null && stored.interrupted()) {
            diagnosis.add("The dump's header was never written (it is written last): the device reset or lost power while saving. What was saved is shown, its length is a guess.");
        }

        CrashReport.Dump dumpInfo = new CrashReport.Dump(d.headerVersion(), archVersion, d.reason() & 0xFFFF_FFFFL,
                FaultReason.name(d.reason() & 0xFFFF_FFFFL), FaultReason.meaning(d.reason() & 0xFFFF_FFFFL), truncated, regs, calleeKnown, xpsr, excReturn,
                FaultStatus.from(memory).map(FaultStatus::faultAddress).orElse(java.util.OptionalLong.empty()),
                // Frame 0's pc, which for an svc-raised error is the svc itself, not the stacked pc after it.
                frames.stream().findFirst().filter(f -> f.pc().isPresent()).map(f -> f.pc().getAsLong())
                        .or(() -> d.arch().filter(a -> a.known(ArchBlock.PC)).map(ArchBlock::pc))
                        .flatMap(pc -> symbols.flatMap(sy -> where(sy, pc, false))),
                d.arch().filter(a -> a.known(ArchBlock.LR) && ExcReturn.of(a.lr()).isEmpty() && (a.lr() & 1) == 1)
                        .flatMap(a -> symbols.flatMap(sy -> where(sy, a.lr() & ~1L, true))));
        return new CrashReport(describeInput(input), partition, Optional.of(dumpInfo), firmware, frames, ranges, faultStatus,
                diagnosis, warnings, unwound.signature(), ThreadReport.of(unwound.threads(), values));
    }

    /** "function at file:line" for a code address (a return address is looked up at the call, as gdb does). */
    static Optional<String> where(Symbolizer symbols, long address, boolean returnAddress) {
        List<SourceFrame> frames = symbols.frames(returnAddress ? address - 1 : address);
        if (frames.isEmpty() || "??".equals(frames.get(0).function())) {
            return Optional.empty();
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < frames.size(); i++) {
            SourceFrame f = frames.get(i);
            s.append(i == 0 ? "" : ", inlined into ").append(f.function());
            if (f.file() != null) {
                s.append(" at ").append(f.file()).append(f.line() > 0 ? ":" + f.line() : "");
            }
        }
        return Optional.of(s.toString());
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
        long largest = d.memory().stream().mapToLong(MemoryBlock::declaredLength).max().orElse(0);
        if (largest > MAX_PLAUSIBLE_BLOCK) {
            diagnosis.add(String.format("A memory block declares %d bytes, more than the whole RAM of these chips (256 KiB): its header is corrupt,"
                    + " not merely cut off.", largest));
            return;
        }
        diagnosis.add("Likely cause: CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_LINKER_RAM (the default) dumps all of RAM, which does not fit the 64 KiB coredump partition."
                + " Fix: set CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_THREADS=y (all thread stacks) or CONFIG_DEBUG_COREDUMP_MEMORY_DUMP_MIN=y (the faulting thread), or enlarge the partition.");
    }

    private static CrashReport.Input describeInput(DumpInput in) {
        // The path is the user's (a file name may hold any byte but '/' and NUL): printed, it must not drive the terminal.
        return new CrashReport.Input(in.kind().id(), SafeText.of(in.path()), SafeText.of(in.description()), in.base(), in.board().map(b -> b.name() + " (" + b.id() + ")"),
                in.window().map(w -> String.format("0x%x-0x%x", w.start(), w.end())));
    }
}
