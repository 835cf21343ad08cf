package dev.zmkagent.agent.triage;

import dev.zmkagent.coredump.report.CrashReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One dump found in an attachment and what became of it.
 *
 * @param dump the file the report was made from (the richest form: a UF2 over a partition image over a log)
 * @param alsoIn other files of the attachment holding the very same dump bytes
 * @param elf the ELF used, and {@code elfChoice} why it was chosen (or why none was)
 * @param report the analysis; {@code report.dump()} is empty when the input holds no crash
 * @param dumpSha256 SHA-256 of the 'ZE' stream bytes, which identifies the dump in any packaging
 * @param board the board, from the UF2 family, INFO_UF2.TXT next to it, or firmware.txt of a bundle
 * @param firmware the build: the ELF's GNU build ID, else {@code sha256:} and the first 16 digits of its SHA-256
 * @param seen when the dump was taken, as far as the attachment says (capture time, archive entry or file time)
 */
public record DumpAnalysis(String dump, List<String> alsoIn, Optional<String> elf, String elfChoice, CrashReport report,
                           String dumpSha256, Optional<String> board, Optional<String> firmware, Optional<Instant> seen) {
    /** True when the backtrace could be symbolized with an ELF, so its signature names functions. */
    public boolean symbolized() {
        return elf.isPresent();
    }
}
