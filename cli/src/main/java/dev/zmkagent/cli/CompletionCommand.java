package dev.zmkagent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion",
        header = "Print the shell completion script (bash, zsh or fish).",
        description = {"Print the completion script for a shell, generated from the commands of this very build. The "
                + "Debian package installs all three; from the tar.gz or a checkout, load one by hand."},
        footerHeading = "%nExamples:%n",
        footer = {"  source <(zmk-agent completion bash)",
            "  zmk-agent completion zsh > \"${fpath[1]}/_zmk-agent\"",
            "  zmk-agent completion fish > ~/.config/fish/completions/zmk-agent.fish"},
        mixinStandardHelpOptions = true)
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh, fish }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.commandLine().getParent();
        String script = switch (shell) {
            case bash -> ShellCompletion.bash(root);
            case zsh -> ShellCompletion.zsh(root);
            case fish -> ShellCompletion.fish(root);
        };
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
