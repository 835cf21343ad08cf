package dev.zmkagent.coredump.unwind.cfi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.List;

/**
 * Call frame information as a hostile ELF carries it: the .debug_frame and .eh_frame parsers, the FDE index, and the
 * CFI interpreter run at the start, the middle and the last byte of every FDE. Answers or {@link FormatException}s
 * only (a rule the unwinder cannot follow is its own stop reason, not an exception).
 */
class CfiFuzzTest {
    @FuzzTest
    void debugFrame(byte[] data) {
        List<Fde> fdes;
        try {
            fdes = CfiParser.parseDebugFrame(ByteView.of(data));
        } catch (FormatException e) {
            return;
        }
        interpret(fdes);
    }

    @FuzzTest
    void ehFrame(byte[] data) {
        List<Fde> fdes;
        try {
            fdes = CfiParser.parseEhFrame(ByteView.of(data), 0x26000);
        } catch (FormatException e) {
            return;
        }
        interpret(fdes);
    }

    private static void interpret(List<Fde> fdes) {
        FdeIndex index = FdeIndex.of(fdes);
        index.problems();
        int n = 0;
        for (Fde fde : fdes) {
            if (n++ > 256) {
                return;
            }
            for (long pc : new long[] {fde.start(), fde.start() + (fde.end() - fde.start()) / 2, fde.end() - 1}) {
                if (!fde.contains(pc)) {
                    continue;
                }
                index.find(pc);
                try {
                    CfiInterpreter.rowAt(fde, pc);
                } catch (FormatException e) {
                    // refused with a reason: fine
                }
            }
        }
    }
}
