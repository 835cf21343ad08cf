package dev.zmkagent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.agent.doctor.DesktopDoctor;
import dev.zmkagent.agent.doctor.ElfDoctor;
import dev.zmkagent.agent.doctor.Machine;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "doctor",
        header = "Say what the next crash will capture, and what on this machine would stop a capture.",
        description = {"Without --elf: this machine, one line per check with OK, WARN (a capture still works without what it names) "
            + "or FAIL (it blocks a capture) and the command that fixes it: the udev rule and the boards it covers, your access to "
            + "the bootloader's serial port and drive, udisks2 and an automounter, the folders watch looks in, the systemd user "
            + "unit, the data folder, registered firmware, the session D-Bus, a notification server and the tray. Exit status 1 "
            + "when something blocks a capture.",
            "With --elf: from the firmware's zmk.elf alone, whether a coredump is compiled in, the memory dump mode, "
            + "the predicted dump size against the board's coredump partition, what a truncated dump loses, and the Kconfig "
            + "lines to add to config/<board>.conf; and which options would turn a hang into a dump."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent doctor", "  zmk-agent doctor --json", "  zmk-agent doctor --elf build/zephyr/zmk.elf",
            "  zmk-agent doctor --elf zmk.elf --json"},
        mixinStandardHelpOptions = true)
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-e", "--elf"}, paramLabel = "ELF", description = "The firmware's zmk.elf.")
    Path elf;

    @Option(names = "--board", paramLabel = "ID", description = "The catalog board (nice_nano, xiao_ble), when the ELF does not tell.")
    String board;

    @Option(names = "--variant", paramLabel = "NAME", description = "The catalog variant (zmk_debug, zmk_debug_extra), when the ELF does not tell.")
    String variant;

    @Option(names = "--json", description = "Print JSON: {\"checks\": [...], \"blocking\": N, ...}; with --elf {\"coredump\": {...}, \"advice\": [...]}.")
    boolean json;

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (elf == null) {
            if (board != null || variant != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--board and --variant go with --elf zmk.elf");
            }
            return desktop(out);
        }
        ElfDoctor.ElfCheck c = new ElfDoctor(BoardCatalog.builtin()).check(elf, board, variant);
        if (json) {
            out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES).asString(c.json()));
        } else {
            out.print(c.text());
        }
        out.flush();
        return 0;
    }

    private int desktop(PrintWriter out) throws Exception {
        DesktopDoctor.Report r;
        try (Machine m = Machine.local(data.dirs().root())) {
            r = DesktopDoctor.forPlatform(System.getProperty("os.name", "")).run(m);
        }
        if (json) {
            out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES).asString(r.json()));
        } else {
            out.print(r.text());
        }
        out.flush();
        return r.exitStatus();
    }
}
