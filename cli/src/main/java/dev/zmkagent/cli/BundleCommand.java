package dev.zmkagent.cli;

import dev.zmkagent.agent.bundle.Bundler;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bundle",
        header = "Zip what to attach to a GitHub issue, without Bluetooth keys.",
        description = {"Zip what to attach to a GitHub issue: report.md, the partition image, INFO_UF2.TXT, the ELF (or the CI artifact's name), "
                + "the firmware identity and REDACTED.txt; the whole CURRENT.UF2 only with --full.",
            "The Bluetooth bonding keys (LTK, IRK, CSRK) in the dumped RAM and in the flash images are removed, located from the ELF's symbols "
                + "and types; REDACTED.txt lists each item removed and what could not be checked. The capture on disk stays as it was."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent bundle last -o crash.zip", "  zmk-agent bundle last -o crash.zip --full --elf build/zephyr/zmk.elf",
            "  zmk-agent bundle last --markdown | xclip -selection clipboard"},
        mixinStandardHelpOptions = true)
final class BundleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "The capture: its folder name (or a unique prefix), its path, or 'last'.")
    String capture;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.zip", description = "The zip to write (required unless --markdown).")
    Path output;

    @Option(names = "--full", description = "Include the whole CURRENT.UF2 (the device's entire application flash), redacted too.")
    boolean full;

    @Option(names = {"-e", "--elf"}, paramLabel = "ELF", description = "The firmware's zmk.elf (default: the capture's registered build).")
    Path elf;

    @Option(names = "--no-redact", description = "Keep the raw bytes, Bluetooth keys included (anyone holding them can impersonate the keyboard"
            + " and read its keystrokes): only for people you trust.")
    boolean noRedact;

    @Option(names = "--markdown", description = "Print report.md (from the redacted dump) to stdout, for pasting into an issue.")
    boolean markdown;

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        if (output == null && !markdown) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--output=FILE.zip' (or give --markdown)");
        }
        if (output != null) {
            if (Files.isDirectory(output)) {
                throw new FormatException("-o " + output + " names a folder; give a .zip file path");
            }
            Bundler.checkOutput(output);
        }
        StoredCapture c = ReanalyzeCommand.resolve(data, capture);
        Bundler.Bundle b = new Bundler(BoardCatalog.builtin(), data.store(), data.registry())
                .prepare(c, new Bundler.Options(full, !noRedact, Optional.ofNullable(elf)));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        b.warning().ifPresent(w -> err.println("zmk-agent: warning: " + w));
        err.flush();
        if (output != null) {
            b.writeZip(output);
        }
        if (markdown) {
            out.print(b.markdown());
            if (output != null) {
                err.println("Wrote " + output + ": " + String.join(", ", b.names()));
            }
        } else {
            String removed = b.redacted().map(r -> "; removed " + r.items().size() + " key item(s), " + r.bytesRemoved() + " bytes (see REDACTED.txt)")
                    .orElse("");
            out.println("Wrote " + output + ": " + String.join(", ", b.names()) + removed);
        }
        out.flush();
        err.flush();
        return 0;
    }
}
