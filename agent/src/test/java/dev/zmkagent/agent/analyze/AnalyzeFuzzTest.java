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
 * threads and all three report forms. Only a {@link FormatException} (one line for the user) from
 * reading the input or the dump may end it early; the analysis of a dump that was read must answer.
 */
class AnalyzeFuzzTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();
    private static final ElfFile ELF = ElfFile.parse(ByteView.of(CrashLab.scenario("nice_nano-busfault").appElf()));

    static {
        // A real dump through the whole analysis before the fuzzer's clock starts: the first input would otherwise load
        // and instrument every class of the pipeline inside its 1 s budget.
        new AnalyzeFuzzTest().anyInput(CrashLab.scenario("nice_nano-busfault").partition());
    }

    @FuzzTest
    void anyInput(byte[] data) {
        DumpInput input;
        try {
            input = new InputReader(CATALOG).read("fuzz.bin", data, OptionalLong.empty());
        } catch (FormatException e) {
            return;
        }
        LoadedDump loaded;
        try {
            // Parsing the dump (the 'CD' header, the 'ZE' stream) may refuse it with one line, as `analyze` prints it.
            loaded = new DumpLoader(CATALOG).load(input, Optional.of(ELF), Optional.of("app.elf"));
        } catch (FormatException e) {
            return;
        }
        // Once the dump is read, the analysis answers whatever the dump says.
        var report = new Analyzer(CATALOG).analyze(loaded);
        TextReport.render(report, false);
        MarkdownReport.render(report);
        JsonReport.render(report);
    }
}
