package dev.zmkagent.cli;

import dev.zmkagent.agent.triage.Triage;
import dev.zmkagent.agent.triage.TriageReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "triage",
        header = "Group many users' crashes by crash signature.",
        description = {"Group many users' crashes by crash signature.",
            "Each INPUT is a dump file, a folder, or an attachment (.zip, .tar, .tar.gz/.tgz: a zmk-agent bundle, a zmk_debug CI "
                + "artifact, a user's zip of CURRENT.UF2 and zmk.elf). Every dump in them is analyzed in this one process and paired "
                + "with its ELF (the identity check decides); the same dump met twice counts once. One table: signature, count, "
                + "reason, top frames, boards, firmware builds, first and last seen. The signature hashes the fault reason and the "
                + "function names of the crashing context's top frames (docs/triage.md), so the same bug in builds for other "
                + "keymaps, shields or boards falls in one group."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent triage xiao-tester-crash.zip araxia.tgz ci-artifacts/",
            "  zmk-agent triage --store --markdown > comment.md",
            "  zmk-agent triage dumps/*.uf2 --elf nice_nano_v2-zmk.elf --elf xiao_ble-zmk.elf --json",
            "",
            "Exit codes: 0 no crash found, 1 crashes grouped, 2 nothing could be analyzed or bad usage."},
        mixinStandardHelpOptions = true)
final class TriageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "0..*", description = "Dump files, folders and archives.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--store", description = "Also triage every capture in the capture store (with the ELF each was analyzed with, or the registered builds).")
    boolean store;

    @Option(names = {"-e", "--elf"}, paramLabel = "ELF", description = "An ELF to consider for inputs that lack theirs (repeatable; the identity check picks).")
    List<Path> elfs = new ArrayList<>();

    @Option(names = "--json", description = "Print the groups as JSON (schema zmk-agent.triage/1, docs/triage.md).")
    boolean json;

    @Option(names = "--markdown", description = "Print the table as Markdown, for a GitHub comment.")
    boolean markdown;

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        if (json && markdown) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--json and --markdown cannot be used together");
        }
        if (inputs.isEmpty() && !store) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give at least one INPUT, or --store");
        }
        List<Triage.Input> all = new ArrayList<>();
        for (String in : inputs) {
            all.add(Triage.Input.of(in, elfs));
        }
        if (store) {
            all.addAll(Triage.storeInputs(data.store(), data.registry()));
        }
        Triage.Result result = new Triage(BoardCatalog.builtin()).run(all);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? TriageReport.json(result) : markdown ? TriageReport.markdown(result) : TriageReport.text(result));
        out.flush();
        if (!result.groups().isEmpty()) {
            return 1;
        }
        return result.failed().isEmpty() ? 0 : ErrorHandler.BAD_INPUT;
    }
}
