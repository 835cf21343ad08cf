package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.symbols.SourceFrame;
import dev.zmkagent.coredump.symbols.Symbolizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Turns the dump's registers into report frames with source locations. */
final class FrameBuilder {
    private final Optional<ElfFile> elf;
    private final Symbolizer symbolizer;

    FrameBuilder(Optional<ElfFile> elf) {
        this.elf = elf;
        this.symbolizer = elf.map(Symbolizers::forElf).orElse(null);
    }

    List<CrashReport.Frame> frames(ZephyrDump d) {
        List<CrashReport.Frame> out = new ArrayList<>();
        if (d.arch().isEmpty()) {
            return out;
        }
        ArchBlock a = d.arch().get();
        addPc(out, a.pc(), false);
        return out;
    }

    private void addPc(List<CrashReport.Frame> out, long pc, boolean caller) {
        long lookup = caller ? pc - 1 : pc;
        List<SourceFrame> src = symbolizer == null ? List.of() : symbolizer.frames(lookup);
        if (src.isEmpty()) {
            out.add(new CrashReport.Frame(out.size(), OptionalLong.of(pc), null, null, 0, false, "normal"));
            return;
        }
        for (SourceFrame s : src) {
            out.add(new CrashReport.Frame(out.size(), OptionalLong.of(pc), s.function(), s.fileName(), s.line(), s.inlined(),
                    s.inlined() ? "inlined" : "normal"));
        }
    }
}
