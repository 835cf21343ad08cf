package dev.zmkagent.cli;

import dev.zmkagent.agent.analyze.AnalyzeRequest;
import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "analyze",
        description = {"Explain a crash from any dump form, offline.",
            "INPUT is recognised by content: CURRENT.UF2 copied off the bootloader drive, any UF2, a raw flash image"
                + " (uf2conv.py output), a coredump partition image, a bare 'ZE' stream, or a console log with #CD: lines."
                + " The coredump partition is found without any offset from you."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent analyze CURRENT.UF2 --elf zmk.elf",
            "  zmk-agent analyze crash.bin --elf zmk.elf --base 0x1000",
            "  zmk-agent analyze console.log --elf zmk.elf --markdown > report.md",
            "",
            "Exit codes: 0 no crash stored, 1 crash found and reported, 2 bad input or usage."},
        mixinStandardHelpOptions = true)
final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "The dump: CURRENT.UF2, .uf2, .bin, partition image, 'ZE' stream or log.")
    Path input;

    @Option(names = {"-e", "--elf"}, paramLabel = "ELF", description = "The firmware's zmk.elf (the zmk_debug CI artifact's <artifact>.elf).")
    Path elf;

    @Option(names = "--base", paramLabel = "ADDR", converter = AddressConverter.class,
            description = "Flash address of the first byte of a raw image (default: detected; 0x1000 for uf2conv.py output of CURRENT.UF2).")
    Long base;

    @Option(names = "--threads", description = "Also list every kernel thread (state, stack use, backtrace) when the ELF has Zephyr's thread info.")
    boolean threads;

    @picocli.CommandLine.Mixin
    OutputFormat format = new OutputFormat();

    @Override
    public Integer call() throws Exception {
        format.validate(spec);
        CrashReport report = new Analyzer(BoardCatalog.builtin())
                .analyze(new AnalyzeRequest(input, Optional.ofNullable(elf), base == null ? OptionalLong.empty() : OptionalLong.of(base)));
        PrintWriter out = spec.commandLine().getOut();
        if (format.json) {
            out.print(JsonReport.render(report));
        } else if (format.markdown) {
            out.print(MarkdownReport.render(report));
        } else {
            out.print(TextReport.render(report, format.useColor(), threads));
        }
        out.flush();
        return report.dump().isPresent() ? 1 : 0;
    }
}
