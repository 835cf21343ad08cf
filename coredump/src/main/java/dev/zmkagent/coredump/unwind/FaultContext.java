package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.cortexm.ArmArchitecture;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.memory.AddressRange;
import dev.zmkagent.coredump.memory.Memory;
import dev.zmkagent.coredump.memory.RegionMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Turns the registers of a Zephyr Cortex-M arch block into the interrupted context the unwinder starts from.
 *
 * <p>The arch block holds the <em>stacked</em> registers (pc = the faulting instruction, lr = the interrupted code's
 * lr) and an {@code sp} whose meaning changed: Zephyr ≤ 3.x stores the address of the exception frame, newer Zephyr
 * (4.1, ZMK main) the stack pointer before the exception, and some paths store 0. We decide from the dumped memory:
 * <ol>
 *   <li>the 8 words at sp are r0, r1, r2, r3, r12, lr, pc, xpsr of the block → sp is the frame address;</li>
 *   <li>they sit just below sp where Zephyr 4.1's {@code z_arm_set_fault_sp} puts them ({@link ZephyrFaultSp}: 32 or
 *       104 bytes, and on Armv7-M {@code |4} when xPSR bit 9 says the core padded; not on Armv8-M Mainline, where
 *       the real sp is then 4 bytes above the stored one) → sp is Zephyr 4.1's sp;</li>
 *   <li>otherwise the frame is searched for in all dumped memory (this also recovers sp = 0);</li>
 *   <li>failing that, a non-zero sp is taken as the pre-exception sp, marked unverified; a zero sp stays unknown.</li>
 * </ol>
 * r4–r11 are only used when the caller says they are valid (arch block v3 flag, EXTRA_EXCEPTION_INFO): otherwise
 * Zephyr leaves zeros there, and zero is not a value we may invent.
 *
 * <p>Without EXC_RETURN we cannot tell whether the core stacked the FP extended frame; when sp is the frame address we
 * assume the basic frame unless {@code fpFrame} says otherwise.
 */
public final class FaultContext {
    public enum SpMeaning { EXCEPTION_FRAME_ADDRESS, PRE_EXCEPTION_SP, LOCATED_BY_SEARCH, UNVERIFIED_PRE_EXCEPTION_SP, UNKNOWN }

    /** The interrupted context's registers, how sp was read, where the stacked frame is, and one sentence why. */
    public record Resolved(RegisterSet registers, SpMeaning meaning, OptionalLong frameAddress, String explanation) {
    }

    private FaultContext() {
    }

    /**
     * @param arch        r0, r1, r2, r3, r12, lr, pc, xpsr, sp (arch block order)
     * @param callee      r4..r11 from a v2+ block, or null
     * @param calleeValid whether r4..r11 hold real values
     * @param fpFrame     whether the core stacked the FP extended frame (unknown in v2 blocks: pass false)
     */
    public static Resolved resolve(long[] arch, long[] callee, boolean calleeValid, boolean fpFrame, Memory memory) {
        return resolve(arch, callee, calleeValid, fpFrame, memory, ArmArchitecture.UNKNOWN);
    }

    /**
     * As {@link #resolve(long[], long[], boolean, boolean, Memory)}, with Zephyr 4.1's sp rule for the firmware's
     * architecture {@code cpu} (from the ELF, {@link ArmArchitecture#of}); an unknown architecture gets the Armv7-M rule.
     */
    public static Resolved resolve(long[] arch, long[] callee, boolean calleeValid, boolean fpFrame, Memory memory, ArmArchitecture cpu) {
        if (arch.length < 9) {
            throw new IllegalArgumentException("arch block needs r0, r1, r2, r3, r12, lr, pc, xpsr, sp");
        }
        int[] order = {0, 1, 2, 3, 12, RegisterSet.LR, RegisterSet.PC, RegisterSet.XPSR};
        RegisterSet regs = RegisterSet.empty();
        for (int i = 0; i < 8; i++) {
            regs = regs.with(order[i], arch[i]);
        }
        RegisterSet stacked = regs;
        regs = regs.with(RegisterSet.PC, arch[6] & ~1L);
        if (callee != null && calleeValid) {
            for (int i = 0; i < 8 && i < callee.length; i++) {
                regs = regs.with(4 + i, callee[i]);
            }
        }
        long sp = arch[8] & 0xFFFF_FFFFL;
        long xpsr = arch[7];
        if (sp != 0 && ExceptionFrames.frameMatches(memory, sp, stacked)) {
            long pre = ExceptionFrames.preExceptionSp(sp, fpFrame, xpsr);
            return new Resolved(regs.with(RegisterSet.SP, pre), SpMeaning.EXCEPTION_FRAME_ADDRESS, OptionalLong.of(sp),
                    String.format("arch sp 0x%08x is the address of the exception frame (older Zephyr); the interrupted sp was 0x%08x", sp, pre));
        }
        if (sp != 0) {
            for (boolean ext : new boolean[] {false, true}) {
                for (int pad : new int[] {0, 4}) {
                    long frame = sp - pad - (ext ? ExceptionFrames.EXTENDED_FRAME_BYTES : ExceptionFrames.BASIC_FRAME_BYTES);
                    if (ExceptionFrames.frameMatches(memory, frame, stacked) && ZephyrFaultSp.v41(frame, ext, xpsr, cpu) == sp) {
                        long real = ExceptionFrames.preExceptionSp(frame, ext, xpsr);
                        String why = real == sp
                                ? String.format("arch sp 0x%08x is the sp before the exception (Zephyr 4.1); the exception frame is at 0x%08x", sp, frame)
                                : String.format("arch sp 0x%08x is Zephyr 4.1's sp for the exception frame at 0x%08x (frame + %d, on %s without the"
                                        + " xPSR bit-9 adjustment); the core had padded the frame by 4 bytes, so the interrupted sp was 0x%08x",
                                        sp, frame, sp - frame, cpu, real);
                        return new Resolved(regs.with(RegisterSet.SP, real), SpMeaning.PRE_EXCEPTION_SP, OptionalLong.of(frame), why);
                    }
                }
            }
        }
        List<Long> found = search(memory, stacked);
        if (!found.isEmpty()) {
            long frame = found.get(found.size() - 1);
            long pre = ExceptionFrames.preExceptionSp(frame, fpFrame, xpsr);
            String more = found.size() > 1 ? String.format(" (%d copies found; took the highest)", found.size()) : "";
            return new Resolved(regs.with(RegisterSet.SP, pre), SpMeaning.LOCATED_BY_SEARCH, OptionalLong.of(frame),
                    String.format("arch sp 0x%08x does not point at or above the exception frame; the frame was found by searching the dump at 0x%08x%s",
                            sp, frame, more));
        }
        if (sp != 0) {
            return new Resolved(regs.with(RegisterSet.SP, sp), SpMeaning.UNVERIFIED_PRE_EXCEPTION_SP, OptionalLong.empty(), String.format(
                    "arch sp 0x%08x could not be checked against a stacked frame in the dump; used as the sp before the exception", sp));
        }
        return new Resolved(regs, SpMeaning.UNKNOWN, OptionalLong.empty(),
                "arch sp is 0 and the exception frame is not in the dump: the stack pointer is unknown");
    }

    /**
     * The interrupted context of a parsed dump, ready to unwind. r4–r11 are used only when the arch block says they
     * were collected. The stacked frame is searched for in the dump's own memory blocks only (never the megabyte of
     * flash behind them). When sp is the frame's address, the dump does not say whether the core stacked the 104-byte
     * FP frame (EXC_RETURN is not recorded): the basic frame is assumed unless only the FP frame lets the stack
     * unwind to the thread's entry, which the explanation then says.
     */
    public static Resolved forDump(ZephyrDump dump, Memory memory, Unwinder unwinder, UnwindOptions options) {
        ArchBlock a = dump.arch().orElseThrow(() -> new IllegalArgumentException("the dump has no architecture block"));
        RegionMemory dumped = new RegionMemory();
        for (MemoryBlock mb : dump.memory()) {
            dumped.add("dump", mb.start(), mb.data().toArray());
        }
        long[] basic = {a.r(0), a.r(1), a.r(2), a.r(3), a.r(ArchBlock.R12), a.lr(), a.pc(), a.xpsr(), a.sp()};
        long[] callee = new long[8];
        for (int i = 0; i < 8; i++) {
            callee[i] = a.r(4 + i);
        }
        ArmArchitecture cpu = ArmArchitecture.of(unwinder.elf());
        Resolved basicFrame = resolve(basic, callee, a.calleeSavedKnown(), false, dumped, cpu);
        if (basicFrame.meaning() != SpMeaning.EXCEPTION_FRAME_ADDRESS && basicFrame.meaning() != SpMeaning.LOCATED_BY_SEARCH
                || unwinder.unwind(memory, basicFrame.registers(), options).stopReason().isClean()) {
            return basicFrame;
        }
        Resolved fp = resolve(basic, callee, a.calleeSavedKnown(), true, dumped, cpu);
        if (!unwinder.unwind(memory, fp.registers(), options).stopReason().isClean()) {
            return basicFrame;
        }
        return new Resolved(fp.registers(), fp.meaning(), fp.frameAddress(), fp.explanation()
                + "; the FPU extended frame (104 bytes) was assumed, because only with it does the stack unwind to the thread's entry");
    }

    private static List<Long> search(Memory memory, RegisterSet stacked) {
        List<Long> hits = new ArrayList<>();
        long r0 = stacked.value(0);
        long pc = stacked.value(RegisterSet.PC);
        for (AddressRange range : memory.ranges()) {
            for (long a = (range.start() + 3) & ~3L; a + 32 <= range.end(); a += 4) {
                OptionalLong w = memory.u32(a + 24);
                if (w.isPresent() && w.getAsLong() == pc) {
                    OptionalLong first = memory.u32(a);
                    if (first.isPresent() && first.getAsLong() == r0 && ExceptionFrames.frameMatches(memory, a, stacked)) {
                        hits.add(a);
                    }
                }
            }
        }
        return hits;
    }
}
