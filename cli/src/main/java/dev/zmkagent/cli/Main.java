package dev.zmkagent.cli;

import picocli.CommandLine;

/** Entry point: builds the picocli command tree and maps outcomes to documented exit codes. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(ZmkAgentCommand.newCommandLine().execute(args));
    }
}
