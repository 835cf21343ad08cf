package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.agent.service.LoginServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the release packages from the commands themselves: the completion scripts (every option of every command, a
 * new option without hand edits, and the shells accept them), --version, and the unit watch --print-service writes.
 */
class ReleaseSurfaceTest {
    @TempDir
    Path tmp;

    static void walk(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (var e : ShellCompletion.visibleSubcommands(cl)) {
            walk(e.getValue(), out);
        }
    }

    @Test
    void everyOptionOfEveryCommandCompletesInBashZshAndFish() {
        CommandLine root = ZmkAgentCommand.newCommandLine();
        String bash = ShellCompletion.bash(root);
        String zsh = ShellCompletion.zsh(root);
        String fish = ShellCompletion.fish(root);
        List<CommandLine> all = new ArrayList<>();
        walk(root, all);
        assertTrue(all.size() > 12, "commands: " + all.size());
        int options = 0;
        for (CommandLine cl : all) {
            String name = cl.getCommandSpec().name();
            if (cl != root) {
                assertTrue(fish.contains(" -f -a '" + name + "' "), "fish lacks command " + name);
                assertTrue(zsh.contains("'" + name + ":"), "zsh lacks command " + name);
                assertTrue(bash.contains(name), "bash lacks command " + name);
            }
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (o.hidden()) {
                    continue;
                }
                options++;
                String longest = o.longestName();
                assertTrue(bash.contains(longest), "bash lacks " + name + " " + longest);
                assertTrue(zsh.contains(longest + "["), "zsh lacks " + name + " " + longest);
                assertTrue(fish.contains(longest.startsWith("--") ? "-l " + longest.substring(2) : "-s " + longest.substring(1)),
                        "fish lacks " + name + " " + longest);
            }
        }
        assertTrue(options > 50, "options: " + options);
    }

    @Test
    void aNewOptionAppearsInTheCompletionsWithoutHandEdits() {
        CommandLine root = ZmkAgentCommand.newCommandLine();
        root.getSubcommands().get("watch").getCommandSpec().addOption(
                OptionSpec.builder("--brand-new-option").paramLabel("DIR").type(Path.class).description("Added just now. Really.").build());
        assertTrue(ShellCompletion.fish(root).contains("-n '__zmk_agent_at \\'watch\\'' -l brand-new-option -r -d 'Added just now.'"));
        assertTrue(ShellCompletion.zsh(root).contains("'--brand-new-option[Added just now.]:DIR:_files'"));
        assertTrue(ShellCompletion.bash(root).contains("--brand-new-option"));
    }

    @Test
    void fishCompletesSubcommandsAndOptionsFromTheScript() throws Exception {
        assumeTrue(onPath("fish"), "fish is not installed");
        Path script = tmp.resolve("zmk-agent.fish");
        Files.writeString(script, CliRun.run("completion", "fish").out());
        String firmware = shell("fish", "-c", "source " + script + "; complete -C 'zmk-agent firmware '");
        assertTrue(firmware.lines().anyMatch(l -> l.startsWith("add\t")), firmware);
        String watch = shell("fish", "-c", "source " + script + "; complete -C 'zmk-agent watch --ins'");
        assertTrue(watch.startsWith("--install-service\t"), watch);
        String top = shell("fish", "-c", "source " + script + "; complete -C 'zmk-agent '");
        assertTrue(top.lines().anyMatch(l -> l.startsWith("analyze\t")) && top.lines().noneMatch(l -> l.startsWith("add\t")), top);
    }

    @Test
    void bashCompletesFromPicocliScriptAndZshParsesItsOwn() throws Exception {
        Path bash = tmp.resolve("zmk-agent.bash");
        Files.writeString(bash, CliRun.run("completion", "bash").out());
        String reply = shell("bash", "-c", "source " + bash + "; COMP_WORDS=(zmk-agent watch --ins); COMP_CWORD=2; "
                + "COMP_LINE='zmk-agent watch --ins'; COMP_POINT=${#COMP_LINE}; _complete_zmk-agent 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertEquals("--install-service", reply.trim());
        if (onPath("zsh")) {
            Path zsh = tmp.resolve("_zmk-agent");
            Files.writeString(zsh, CliRun.run("completion", "zsh").out());
            shell("zsh", "-n", zsh.toString());
        }
    }

    @Test
    void versionNamesTheBuildAndTheRuntime() {
        CliRun r = CliRun.run("--version");
        assertEquals(0, r.exitCode());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).matches("zmk-agent \\S+ \\(git \\S+\\)"), lines.get(0));
        assertEquals("runtime: Java " + System.getProperty("java.runtime.version") + ", " + System.getProperty("java.vm.name") + " ("
                + System.getProperty("java.vm.vendor") + ") in " + System.getProperty("java.home"), lines.get(1));
    }

    @Test
    void theServiceRunsTheLauncherThatStartedUs() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"));
        String before = System.getProperty(LoginServices.LAUNCHER_PROPERTY);
        System.setProperty(LoginServices.LAUNCHER_PROPERTY, "/usr/bin/zmk-agent");
        try {
            CliRun r = CliRun.run("watch", "--print-service", "--no-notify", "--media", "/mnt/usb");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("\nExecStart=/usr/bin/zmk-agent watch --media=/mnt/usb --no-notify\n"), r.out());
            assertTrue(r.out().contains("\nPartOf=graphical-session.target\n"), r.out());
        } finally {
            if (before == null) {
                System.clearProperty(LoginServices.LAUNCHER_PROPERTY);
            } else {
                System.setProperty(LoginServices.LAUNCHER_PROPERTY, before);
            }
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static String shell(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "hung: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
