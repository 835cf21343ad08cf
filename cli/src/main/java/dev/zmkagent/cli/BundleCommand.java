package dev.zmkagent.cli;

import dev.zmkagent.agent.store.Bundler;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.FormatException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bundle",
        header = "Zip what to attach to a GitHub issue.",
        description = {"Zip what to attach to a GitHub issue: report.md, the partition image, INFO_UF2.TXT and the firmware "
                + "identity (ELF build ID and SHA-256); the whole CURRENT.UF2 only with --full.",
            "The partition holds a RAM image, which can contain Bluetooth bonding keys: attach it where you trust "
                + "the readers."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent bundle last -o crash.zip"},
        mixinStandardHelpOptions = true)
final class BundleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "The capture: its folder name (or a unique prefix), its path, or 'last'.")
    String capture;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.zip", description = "The zip to write.")
    Path output;

    @Option(names = "--full", description = "Include the whole CURRENT.UF2 (the device's entire application flash).")
    boolean full;

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        if (Files.isDirectory(output)) {
            throw new FormatException("-o " + output + " names a folder; give a .zip file path");
        }
        StoredCapture c = ReanalyzeCommand.resolve(data, capture);
        List<String> names = Bundler.write(c, output, full);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Wrote " + output + ": " + String.join(", ", names));
        out.flush();
        return 0;
    }
}
