package dev.zmkagent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "zmk-agent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Post-mortem debugging for ZMK keyboards: find, capture and explain Zephyr coredumps.",
        subcommands = {DemoCommand.class, AnalyzeCommand.class, CaptureCommand.class, WatchCommand.class, DevicesCommand.class,
            FlashCommand.class, FirmwareCommand.class, ReanalyzeCommand.class, HistoryCommand.class, BundleCommand.class,
            GdbServerCommand.class, TriageCommand.class, CompletionCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success (no crash found, or the command completed).",
            "1:A crash was found and reported, or the analysis hit a problem it explains.",
            "2:Usage error or bad input (the message names what and where)."})
public final class ZmkAgentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new ZmkAgentCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(ErrorHandler::usageError);
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionStrategy(ZmkAgentCommand::execute);
        return cl;
    }

    /**
     * picocli answers --help and --version before it looks at the other arguments: "--version extra" would print the
     * version and exit 0, hiding a mistyped command line. Refuse stray arguments first; and answer --version with the
     * tool's version on every subcommand too (they have no version of their own).
     */
    private static int execute(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (!r.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(r.commandSpec().commandLine(), r.unmatched());
            }
        }
        for (CommandLine.ParseResult r = parseResult.subcommand(); r != null; r = r.subcommand()) {
            if (r.isVersionHelpRequested() && !r.isUsageHelpRequested()) {
                parseResult.commandSpec().commandLine().printVersionHelp(r.commandSpec().commandLine().getOut());
                return 0;
            }
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
