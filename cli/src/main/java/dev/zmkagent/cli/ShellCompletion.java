package dev.zmkagent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Shell completion scripts generated from the command tree itself, so a new command or option completes without
 * hand edits: bash through picocli's {@link AutoComplete}; zsh ({@code _arguments}) and fish ({@code complete}),
 * which AutoComplete does not write natively, from the same picocli model here.
 */
final class ShellCompletion {
    static final String NAME = "zmk-agent";

    private ShellCompletion() {
    }

    static String bash(CommandLine root) {
        return AutoComplete.bash(NAME, root);
    }

    // ---- fish -------------------------------------------------------------------------------------------------

    static String fish(CommandLine root) {
        StringBuilder s = new StringBuilder();
        s.append("# fish completion for zmk-agent, generated from its commands (zmk-agent completion fish)\n");
        List<String> paths = new ArrayList<>();
        collectPaths(root, "", paths);
        s.append("set -g __zmk_agent_commands");
        for (String p : paths) {
            s.append(' ').append(fishQuote(p));
        }
        s.append("\n");
        s.append("function __zmk_agent_path --description 'the zmk-agent subcommands typed so far'\n"
                + "    set -l path ''\n"
                + "    for w in (commandline -opc)[2..-1]\n"
                + "        set -l next (string trim -- \"$path $w\")\n"
                + "        if contains -- $next $__zmk_agent_commands\n"
                + "            set path $next\n"
                + "        end\n"
                + "    end\n"
                + "    echo $path\n"
                + "end\n"
                + "function __zmk_agent_at\n"
                + "    test (__zmk_agent_path) = \"$argv\"\n"
                + "end\n");
        fishCommand(root, "", s);
        return s.toString();
    }

    private static void collectPaths(CommandLine cl, String path, List<String> out) {
        for (Map.Entry<String, CommandLine> e : visibleSubcommands(cl)) {
            String p = path.isEmpty() ? e.getKey() : path + " " + e.getKey();
            out.add(p);
            collectPaths(e.getValue(), p, out);
        }
    }

    private static void fishCommand(CommandLine cl, String path, StringBuilder s) {
        String cond = "-n " + fishQuote("__zmk_agent_at " + fishQuote(path));
        for (Map.Entry<String, CommandLine> e : visibleSubcommands(cl)) {
            s.append("complete -c ").append(NAME).append(' ').append(cond).append(" -f -a ").append(fishQuote(e.getKey()))
                    .append(" -d ").append(fishQuote(summary(e.getValue().getCommandSpec()))).append('\n');
        }
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (o.hidden()) {
                continue;
            }
            s.append("complete -c ").append(NAME).append(' ').append(cond);
            for (String n : o.names()) {
                if (n.startsWith("--")) {
                    s.append(" -l ").append(n.substring(2));
                } else if (n.length() == 2) {
                    s.append(" -s ").append(n.substring(1));
                } else {
                    s.append(" -o ").append(n.substring(1));
                }
            }
            if (takesValue(o)) {
                s.append(" -r");
                List<String> candidates = candidates(o);
                if (!candidates.isEmpty()) {
                    s.append(" -f -a ").append(fishQuote(String.join(" ", candidates)));
                } else if (!isPath(o)) {
                    s.append(" -f");
                }
            }
            s.append(" -d ").append(fishQuote(firstSentence(o.description()))).append('\n');
        }
        for (Map.Entry<String, CommandLine> e : visibleSubcommands(cl)) {
            fishCommand(e.getValue(), path.isEmpty() ? e.getKey() : path + " " + e.getKey(), s);
        }
    }

    static String fishQuote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    // ---- zsh --------------------------------------------------------------------------------------------------

    static String zsh(CommandLine root) {
        StringBuilder s = new StringBuilder();
        s.append("#compdef zmk-agent\n");
        s.append("# zsh completion for zmk-agent, generated from its commands (zmk-agent completion zsh)\n");
        zshCommand(root, "_zmk_agent", s);
        s.append("_zmk_agent \"$@\"\n");
        return s.toString();
    }

    private static void zshCommand(CommandLine cl, String fn, StringBuilder s) {
        List<Map.Entry<String, CommandLine>> subs = visibleSubcommands(cl);
        s.append(fn).append("() {\n");
        if (!subs.isEmpty()) {
            s.append("  local curcontext=\"$curcontext\" state line\n  typeset -A opt_args\n");
            s.append("  _arguments -C -s");
        } else {
            s.append("  _arguments -s");
        }
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (o.hidden()) {
                continue;
            }
            String exclusive = o.names().length > 1 ? "(" + String.join(" ", o.names()) + ")" : "";
            String repeat = o.isMultiValue() ? "*" : "";
            String value = "";
            if (takesValue(o)) {
                List<String> candidates = candidates(o);
                String action = !candidates.isEmpty() ? "(" + String.join(" ", candidates) + ")" : isPath(o) ? "_files" : " ";
                value = ":" + zshEscape(o.paramLabel()) + ":" + action;
            }
            for (String n : o.names()) {
                s.append(" \\\n    ").append(zshQuote((repeat.isEmpty() ? exclusive : "") + repeat + n
                        + "[" + zshEscape(firstSentence(o.description())) + "]" + value));
            }
        }
        if (!subs.isEmpty()) {
            s.append(" \\\n    '1: :->command' \\\n    '*:: :->argument'\n");
            s.append("  case $state in\n    command)\n      local -a commands\n      commands=(");
            for (Map.Entry<String, CommandLine> e : subs) {
                s.append("\n        ").append(zshQuote(e.getKey() + ":" + summary(e.getValue().getCommandSpec()).replace(":", "\\:")));
            }
            s.append("\n      )\n      _describe -t commands 'zmk-agent command' commands ;;\n    argument)\n      case $line[1] in\n");
            for (Map.Entry<String, CommandLine> e : subs) {
                s.append("        ").append(e.getKey()).append(") ").append(fn).append("__").append(e.getKey().replace('-', '_')).append(" ;;\n");
            }
            s.append("      esac ;;\n  esac\n");
        } else {
            if (!cl.getCommandSpec().positionalParameters().isEmpty()) {
                s.append(" \\\n    '*:").append(zshEscape(cl.getCommandSpec().positionalParameters().get(0).paramLabel())).append(":_files'");
            }
            s.append("\n");
        }
        s.append("}\n");
        for (Map.Entry<String, CommandLine> e : subs) {
            zshCommand(e.getValue(), fn + "__" + e.getKey().replace('-', '_'), s);
        }
    }

    private static String zshEscape(String s) {
        return s.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:");
    }

    private static String zshQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    // ---- the model ----------------------------------------------------------------------------------------------

    static List<Map.Entry<String, CommandLine>> visibleSubcommands(CommandLine cl) {
        List<Map.Entry<String, CommandLine>> out = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            CommandSpec spec = e.getValue().getCommandSpec();
            // aliases appear as extra map keys: list each command once, under its name
            if (!spec.usageMessage().hidden() && spec.name().equals(e.getKey())) {
                out.add(e);
            }
        }
        return out;
    }

    static boolean takesValue(OptionSpec o) {
        return o.arity().max() > 0;
    }

    static boolean isPath(ArgSpec a) {
        Class<?> t = a.type();
        Class<?> elem = a.auxiliaryTypes().length > 0 ? a.auxiliaryTypes()[0] : t;
        return t == java.nio.file.Path.class || t == java.io.File.class || elem == java.nio.file.Path.class || elem == java.io.File.class;
    }

    static List<String> candidates(ArgSpec a) {
        List<String> out = new ArrayList<>();
        if (a.completionCandidates() != null) {
            for (String c : a.completionCandidates()) {
                out.add(c);
            }
        }
        return out;
    }

    static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        return header.length > 0 ? oneLine(header) : firstSentence(spec.usageMessage().description());
    }

    /** The first sentence of a description, on one line, for a completion menu. */
    static String firstSentence(String[] description) {
        String text = oneLine(description);
        java.util.regex.Matcher m = SENTENCE_END.matcher(text);
        return m.find() ? text.substring(0, m.start() + 1) : text;
    }

    private static final java.util.regex.Pattern SENTENCE_END = java.util.regex.Pattern.compile("(?<!\\be\\.g|\\bi\\.e)\\. ");

    /** Picocli markup (@|bold x|@) removed, whitespace folded. */
    static String oneLine(String[] text) {
        return String.join(" ", text).replaceAll("@\\|\\w+(,\\w+)* ([^|]*)\\|@", "$2").replaceAll("\\s+", " ").trim();
    }
}
