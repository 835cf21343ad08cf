package dev.zmkagent.agent.analyze;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** What the user asked to analyze: the dump file, optionally the firmware ELF and the raw image's base address. */
public record AnalyzeRequest(Path input, Optional<Path> elf, OptionalLong base) {
}
