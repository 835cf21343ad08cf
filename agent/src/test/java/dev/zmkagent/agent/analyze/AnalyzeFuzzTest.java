package dev.zmkagent.agent.analyze;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.MarkdownReport;
import dev.zmkagent.coredump.report.TextReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code analyze} from end to end on any bytes, with a real crash-lab ELF: input recognition (UF2 and CURRENT.UF2
 * windows, partition images, 'ZE' streams, logs, raw flash), locating the partition, parsing, unwinding, values,
 * threads and all three report forms. Only a {@link FormatException} (one line for the user) may end it early.
 */
class AnalyzeFuzzTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();
    private static final ElfFile ELF = ElfFile.parse(ByteView.of(CrashLab.scenario("nice_nano-busfault").appElf()));

    @FuzzTest
    void anyInput(byte[] data) {
        DumpInput input;
        try {
            input = new InputReader(CATALOG).read("fuzz.bin", data, OptionalLong.empty());
        } catch (FormatException e) {
            return;
        }
        var report = new Analyzer(CATALOG).analyze(input, Optional.of(ELF), Optional.of("app.elf"));
        TextReport.render(report, false);
        MarkdownReport.render(report);
        JsonReport.render(report);
    }
}
