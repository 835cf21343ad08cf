package dev.zmkagent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.agent.doctor.ElfDoctor;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "doctor",
        header = "Say what the next crash will capture, and what on this machine would stop a capture.",
        description = {"With --elf: from the firmware's zmk.elf alone, whether a coredump is compiled in, the memory dump mode, "
            + "the predicted dump size against the board's coredump partition, what a truncated dump loses, and the Kconfig "
            + "lines to add to config/<board>.conf; and which options would turn a hang into a dump."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent doctor --elf build/zephyr/zmk.elf", "  zmk-agent doctor --elf zmk.elf --json"},
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

    @Option(names = "--json", description = "Print JSON: {\"coredump\": {...}, \"advice\": [...]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (elf == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --elf zmk.elf");
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
}
