package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.report.CrashReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Frame 0 at address 0 says what happened. A call through a NULL function pointer ({@code blx rN} with rN = 0)
 * leaves pc = 0 and lr = the return into the caller (Zephyr reason 35 on Cortex-M: the T bit of the target is clear,
 * so the core raises INVSTATE before it fetches anything). Address 0 holds no function of the build (the rule the DWARF
 * reader applies too: DWARF there belongs to code the linker discarded, and on a board with flash at 0 it is the
 * vector table), so the frame is named by what the caller did, read from the caller's code in the ELF.
 */
final class NullCall {
    private NullCall() {
    }

    static List<CrashReport.Frame> annotate(List<CrashReport.Frame> frames, ElfFile elf) {
        if (frames.size() < 2) {
            return frames;
        }
        CrashReport.Frame top = frames.get(0);
        CrashReport.Frame caller = frames.get(1);
        if (top.pc().isEmpty() || top.pc().getAsLong() != 0 || top.function() != null && !"??".equals(top.function())
                || caller.pc().isEmpty() || caller.function() == null || "??".equals(caller.function())
                || "exception".equals(caller.kind()) || "guess".equals(caller.kind())) {
            // a guessed caller (found by scanning the stack) is not where lr returns: nothing says the code jumped to 0
            return frames;
        }
        long ret = caller.pc().getAsLong();
        CrashReport.NullCall call = new CrashReport.NullCall(caller.function(), caller.file(), caller.line(), ret,
                isRegisterCallBefore(elf, ret));
        List<CrashReport.Frame> out = new ArrayList<>(frames);
        out.set(0, top.withNullCall(call));
        return out;
    }

    /** Whether the Thumb instruction ending at {@code returnPc} is {@code blx rN} (16-bit: 0100 0111 1mmm m000). */
    static boolean isRegisterCallBefore(ElfFile elf, long returnPc) {
        long at = (returnPc & ~1L) - 2;
        Optional<ElfSection> s = elf.sectionAt(at).filter(ElfSection::isExecutable).filter(ElfSection::hasFileData);
        if (s.isEmpty() || at + 2 > s.get().address() + s.get().size()) {
            return false;
        }
        int insn = s.get().data().u16((int) (at - s.get().address()));
        return (insn & 0xff87) == 0x4780;
    }
}
