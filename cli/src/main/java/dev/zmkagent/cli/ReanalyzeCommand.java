package dev.zmkagent.cli;

import dev.zmkagent.agent.capture.Reanalyzer;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "reanalyze",
        header = "Analyze a stored capture again, e.g. with another ELF.",
        description = {"Analyze a stored capture again: with --elf, or with the registered build that matches its CURRENT.UF2.",
            "Rewrites the capture's reports; the dump files are kept as captured."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent reanalyze last --elf zmk.elf", "  zmk-agent reanalyze 2026-11-26_07-09-12Z_nice_nano_3f2a9c1b7e04", "",
            "Exit codes (as analyze and capture): 0 no crash in the dump, 1 a crash reported, 2 bad input or no such capture."},
        mixinStandardHelpOptions = true)
final class ReanalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "The capture: its folder name (or a unique prefix), its path, or 'last'.")
    String capture;

    @Option(names = {"-e", "--elf"}, paramLabel = "ELF", description = "The firmware's zmk.elf (default: the matching registered build).")
    Path elf;

    @Mixin
    OutputFormat format = new OutputFormat();

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        format.validate(spec);
        StoredCapture c = resolve(data, capture);
        Reanalyzer.Result r = new Reanalyzer(BoardCatalog.builtin(), data.store(), data.registry()).reanalyze(c, Optional.ofNullable(elf));
        PrintWriter out = spec.commandLine().getOut();
        if (format.json) {
            out.print(JsonReport.render(r.report()));
        } else if (format.markdown) {
            out.print(MarkdownReport.render(r.report()));
        } else {
            out.print(TextReport.render(r.report(), format.useColor()));
            out.println();
            out.println("Reports updated in " + r.capture().dir());
        }
        out.flush();
        return r.report().dump().isPresent() ? 1 : 0;
    }

    static StoredCapture resolve(DataDirOption data, String ref) throws java.io.IOException {
        CaptureStore store = data.existingStore();
        return store.resolve(ref).orElseThrow(() -> new FormatException("no capture '" + ref + "' in " + store.dir()
                + " (see 'zmk-agent history')"));
    }
}
