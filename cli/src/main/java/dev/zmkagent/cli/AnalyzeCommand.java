package dev.zmkagent.cli;

import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.agent.archive.Attachment;
import dev.zmkagent.agent.triage.AttachmentAnalysis;
import dev.zmkagent.agent.triage.AttachmentAnalyzer;
import dev.zmkagent.agent.triage.AttachmentReport;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

@Command(name = "analyze",
        header = "Explain a crash from any dump form, offline.",
        description = {"Explain a crash from any dump form, offline.",
            "INPUT is recognised by content (a folder or a .zip/.tar/.tar.gz attachment: every dump in it, each with its ELF): CURRENT.UF2 copied off the bootloader drive, any UF2, a raw flash "
                + "image (uf2conv.py output), a coredump partition image, a bare 'ZE' stream, or a console log with "
                + "#CD: lines. The coredump partition is found without any offset from you."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent analyze CURRENT.UF2 --elf zmk.elf",
            "  zmk-agent analyze xiao-tester-crash.zip",
            "  zmk-agent analyze crash.bin --elf zmk.elf --base 0x1000",
            "  zmk-agent analyze console.log --elf zmk.elf --markdown > report.md",
            "",
            "Exit codes: 0 no crash stored, 1 crash found and reported, 2 bad input or usage."},
        mixinStandardHelpOptions = true)
final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    DumpInputOptions dump = new DumpInputOptions();

    @Option(names = "--threads", description = "Also list every kernel thread (state, stack use, backtrace) when the ELF has Zephyr's thread info.")
    boolean threads;

    @Option(names = "--locals", description = "Also print every frame's local variables under it, as gdb's bt full does (JSON and Markdown always carry them).")
    boolean locals;

    @picocli.CommandLine.Mixin
    OutputFormat format = new OutputFormat();

    @Override
    public Integer call() throws Exception {
        format.validate(spec);
        if (Attachment.isAttachment(dump.input)) {
            return analyzeAttachment();
        }
        CrashReport report = new Analyzer(BoardCatalog.builtin())
                .analyze(dump.request());
        PrintWriter out = spec.commandLine().getOut();
        if (format.json) {
            out.print(JsonReport.render(report));
        } else if (format.markdown) {
            out.print(MarkdownReport.render(report));
        } else {
            out.print(TextReport.render(report, format.useColor(), threads, locals));
        }
        out.flush();
        return report.dump().isPresent() ? 1 : 0;
    }

    /** A folder or archive: every dump in it, each paired with its ELF, one report each. */
    private int analyzeAttachment() throws Exception {
        if (dump.base != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--base applies to one raw flash image, not to a folder or archive");
        }
        AttachmentAnalysis a;
        try (Attachment att = Attachment.open(dump.input)) {
            a = new AttachmentAnalyzer(BoardCatalog.builtin()).analyze(att, java.util.Optional.ofNullable(dump.elf), java.util.List.of(),
                    java.util.Optional.empty());
        }
        if (a.dumps().isEmpty()) {
            throw new dev.zmkagent.coredump.bytes.FormatException(dump.input + " holds no dump (CURRENT.UF2, partition image, 'ZE' stream or #CD: log)"
                    + (a.ignored().isEmpty() ? "" : ": " + String.join("; ", a.ignored())));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format.json) {
            out.print(AttachmentReport.json(a));
        } else if (format.markdown) {
            out.print(AttachmentReport.markdown(a));
        } else {
            out.print(AttachmentReport.text(a, format.useColor(), threads));
        }
        out.flush();
        return a.dumps().stream().anyMatch(d -> d.report().dump().isPresent()) ? 1 : 0;
    }
}
