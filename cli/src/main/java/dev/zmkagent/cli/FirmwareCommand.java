package dev.zmkagent.cli;

import dev.zmkagent.agent.doctor.ElfDoctor;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.agent.registry.RegisteredFirmware;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "firmware",
        header = "Register the firmware builds you flash, so captures find their ELF.",
        description = "Register the firmware builds you flash, so captures find their ELF by themselves.",
        subcommands = {FirmwareCommand.Add.class, FirmwareCommand.ListBuilds.class},
        mixinStandardHelpOptions = true)
final class FirmwareCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add",
            description = {"Register a build: zmk.elf, optionally with the .uf2 you flashed or the CI artifact .zip; or a "
                + "zmk_debug CI artifact .zip alone (every <artifact>.elf in it, with its .uf2)."},
            footerHeading = "%nExamples:%n",
            footer = {"  zmk-agent firmware add build/zephyr/zmk.elf build/zephyr/zmk.uf2", "  zmk-agent firmware add firmware.zip"},
            mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..2", paramLabel = "FILE", description = "zmk.elf [zmk.uf2 | artifact.zip], or artifact.zip")
        List<Path> files;

        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            for (FirmwareRegistry.Added a : data.registry().add(files)) {
                RegisteredFirmware f = a.firmware();
                out.printf("%s %s (%s)%n", a.alreadyRegistered() ? "Already registered:" : "Registered", f.id(), f.name());
                out.println("  ELF SHA-256 " + f.elfSha256());
                out.println("  build ID    " + f.buildId().orElse("none"));
                out.println("  .uf2        " + (f.uf2Path().isPresent() ? "yes" : "no (the ELF's load bytes identify it)"));
                a.notes().forEach(n -> out.println("  note: " + n));
                // what the next crash of this build will capture (zmk-agent doctor --elf has the details)
                new ElfDoctor(BoardCatalog.builtin()).check(f.elf(), null, null).summary().lines()
                        .forEach(l -> out.println("  " + l));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List the registered builds, oldest first.", mixinStandardHelpOptions = true)
    static final class ListBuilds implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<RegisteredFirmware> all = data.registry().list();
            if (all.isEmpty()) {
                out.println("No firmware registered. Add the build you flash: zmk-agent firmware add zmk.elf [zmk.uf2 | artifact.zip]");
            }
            for (RegisteredFirmware f : all) {
                out.printf("%s  %-30s  added %s  build-id %s%s%n", f.id(), f.name(), f.addedAt(), f.buildId().orElse("none"),
                        f.uf2Path().isPresent() ? "  +uf2" : "");
            }
            out.flush();
            return 0;
        }
    }
}
