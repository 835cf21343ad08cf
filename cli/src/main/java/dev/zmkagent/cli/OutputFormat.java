package dev.zmkagent.cli;

import picocli.CommandLine.Option;

/** The shared --json / --markdown choice of every command that prints a report. */
final class OutputFormat {
    @Option(names = "--json", description = "Print the report as JSON (schema zmk-agent.report/1, see docs/report-json.md).")
    boolean json;

    @Option(names = "--markdown", description = "Print the report as Markdown, ready to paste into a GitHub issue.")
    boolean markdown;

    /** When to color the text report; picocli refuses any other word with the list of these. */
    enum ColorWhen { auto, always, never }

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Color the text report: ${COMPLETION-CANDIDATES} (auto: only on a terminal). Default: ${DEFAULT-VALUE}.")
    ColorWhen color;

    /** --json and --markdown exclude each other; picocli's usage error names both. */
    void validate(picocli.CommandLine.Model.CommandSpec spec) {
        if (json && markdown) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--json and --markdown cannot be used together");
        }
    }

    boolean useColor() {
        return switch (color) {
            case always -> true;
            case never -> false;
            case auto -> System.console() != null && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        };
    }
}
