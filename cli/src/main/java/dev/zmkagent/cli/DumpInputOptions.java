package dev.zmkagent.cli;

import dev.zmkagent.agent.analyze.AnalyzeRequest;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The dump and firmware every offline command takes: INPUT, --elf and --base (a picocli mixin). */
final class DumpInputOptions {
    @Parameters(index = "0", paramLabel = "INPUT", description = "The dump: CURRENT.UF2, .uf2, .bin, partition image, 'ZE' stream or log.")
    Path input;

    @Option(names = {"-e", "--elf"}, paramLabel = "ELF",
            description = "The firmware's zmk.elf (the zmk_debug CI artifact's <artifact>.elf): symbols, unwind tables and read-only memory.")
    Path elf;

    @Option(names = "--base", paramLabel = "ADDR", converter = AddressConverter.class,
            description = "Flash address of the first byte of a raw image (default: detected; 0x1000 for uf2conv.py output of CURRENT.UF2).")
    Long base;

    AnalyzeRequest request() {
        return new AnalyzeRequest(input, Optional.ofNullable(elf), base == null ? OptionalLong.empty() : OptionalLong.of(base));
    }
}
