package dev.zmkagent.cli;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.bytes.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns expected failures (bad input, unreadable files) into one line on stderr and exit code 2. Anything else is
 * our bug: it keeps its stack trace so it can be reported.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) throws Exception {
        String message = userMessage(ex);
        if (message == null) {
            throw ex;
        }
        // Messages quote the input (a log line, a file name): its control bytes must not reach the terminal raw.
        cmd.getErr().println("zmk-agent: error: " + SafeText.of(message));
        return BAD_INPUT;
    }

    /** A usage mistake: one line naming it and where to read more, exit 2 (not the whole help page). */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName(" ");
        String sub = name.startsWith("zmk-agent ") ? name.substring("zmk-agent ".length()) : "";
        if (sub.startsWith("help")) {
            sub = "";
        }
        cmd.getErr().println(SafeText.of("zmk-agent: error: " + ex.getMessage() + " (see 'zmk-agent help" + (sub.isEmpty() ? "" : " " + sub) + "')"));
        return BAD_INPUT;
    }

    static String userMessage(Throwable ex) {
        if (ex instanceof FormatException) {
            return ex.getMessage();
        }
        if (ex instanceof UncheckedIOException u) {
            return userMessage(u.getCause());
        }
        if (ex instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (ex instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (ex instanceof IOException) {
            return ex.getMessage() == null ? ex.toString() : ex.getMessage();
        }
        return null;
    }
}
