package dev.zmkagent.coredump.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.memory.RegionMemory;
import dev.zmkagent.coredump.unwind.cfi.CfiInterpreter;
import dev.zmkagent.coredump.unwind.cfi.CfiParser;
import dev.zmkagent.coredump.unwind.cfi.Fde;
import dev.zmkagent.coredump.unwind.cfi.FdeIndex;
import dev.zmkagent.coredump.unwind.cfi.RegisterRule;
import dev.zmkagent.coredump.unwind.cfi.UnwindRow;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CIE/FDE parsing and CFA/register rules on constructed CFI bytes. */
class CfiTest {
    /** Builds a 32-bit .debug_frame: one CIE (given version) and one FDE with the given program. */
    static byte[] debugFrame(int version, int start, int range, int... program) {
        ByteArrayOutputStream cie = new ByteArrayOutputStream();
        le32(cie, 0xFFFFFFFF);
        cie.write(version);
        cie.write(0); // augmentation ""
        if (version >= 4) {
            cie.write(4);
            cie.write(0);
        }
        cie.write(2); // code align
        cie.write(0x7C); // data align -4
        cie.write(14); // ra = lr (u8 in v1, uleb in v3/4: same byte)
        cie.write(0x0C); cie.write(13); cie.write(0); // def_cfa sp+0
        pad(cie);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le32(out, cie.size());
        out.writeBytes(cie.toByteArray());
        ByteArrayOutputStream fde = new ByteArrayOutputStream();
        le32(fde, 0); // CIE at offset 0
        le32(fde, start);
        le32(fde, range);
        for (int b : program) {
            fde.write(b);
        }
        pad(fde);
        le32(out, fde.size());
        out.writeBytes(fde.toByteArray());
        return out.toByteArray();
    }

    static void pad(ByteArrayOutputStream s) {
        while ((s.size() + 4) % 4 != 0) {
            s.write(0); // DW_CFA_nop
        }
    }

    static void le32(ByteArrayOutputStream s, int v) {
        s.write(v);
        s.write(v >>> 8);
        s.write(v >>> 16);
        s.write(v >>> 24);
    }

    /** push {r4, r7, lr} at +0, sub sp, #8 at +2, add r7, sp, #0 at +4 (GCC -O0 style). */
    static final int[] PROLOGUE = {
        0x41, 0x0E, 12, 0x84, 3, 0x87, 2, 0x8E, 1, // advance 2; cfa_offset 12; r4@-12 r7@-8 lr@-4
        0x41, 0x0E, 20,                             // advance 2; cfa_offset 20
        0x41, 0x0D, 7,                              // advance 2; def_cfa_register r7
    };

    @Test
    void cieVersions1And3And4AllGiveTheSameRows() {
        for (int v : new int[] {1, 3, 4}) {
            List<Fde> fdes = CfiParser.parseDebugFrame(ByteView.of(debugFrame(v, 0x100, 0x40, PROLOGUE)));
            assertEquals(1, fdes.size());
            Fde f = fdes.get(0);
            assertEquals(0x100, f.start());
            assertEquals(0x140, f.end());
            assertEquals(v, f.cie().version());
            assertEquals("cfa=r13+0", CfiInterpreter.rowAt(f, 0x100).toString());
            assertEquals("cfa=r13+12 r4=[cfa-12] r7=[cfa-8] r14=[cfa-4]", CfiInterpreter.rowAt(f, 0x102).toString());
            assertEquals("cfa=r13+20 r4=[cfa-12] r7=[cfa-8] r14=[cfa-4]", CfiInterpreter.rowAt(f, 0x105).toString());
            assertEquals("cfa=r7+20 r4=[cfa-12] r7=[cfa-8] r14=[cfa-4]", CfiInterpreter.rowAt(f, 0x13F).toString());
        }
    }

    @Test
    void rememberRestoreStateAndRestoreAndOtherRules() {
        int[] program = {
            0x41, 0x0E, 8, 0x84, 2, 0x8E, 1, // +2: cfa 8, r4@-8, lr@-4
            0x0A,                            // remember_state
            0x41, 0x0E, 0, 0xC4, 0xCE,       // +4: epilogue: cfa 0, restore r4, restore lr
            0x41, 0x0B,                      // +6: restore_state
            0x02, 2, 0x08, 5, 0x07, 6,       // advance_loc1 2*2 -> +10: r5 same_value, r6 undefined
            0x03, 1, 0, 0x09, 8, 3,          // advance_loc2 1*2 -> +12: r8 in r3
            0x04, 1, 0, 0, 0, 0x14, 9, 1,    // advance_loc4 -> +14: r9 = cfa-4 (val_offset)
            0x12, 13, 0x7E, 0x2F, 10, 1,     // def_cfa_sf sp, -2*-4 = 8; GNU_negative_offset_extended r10: +4
            0x10, 11, 1, 0x70,               // expression for r11
        };
        Fde f = CfiParser.parseDebugFrame(ByteView.of(debugFrame(3, 0, 0x40, program))).get(0);
        assertEquals("cfa=r13+8 r4=[cfa-8] r14=[cfa-4]", CfiInterpreter.rowAt(f, 2).toString());
        assertEquals("cfa=r13+0", CfiInterpreter.rowAt(f, 4).toString());
        assertEquals("cfa=r13+8 r4=[cfa-8] r14=[cfa-4]", CfiInterpreter.rowAt(f, 6).toString());
        assertEquals("cfa=r13+8 r4=[cfa-8] r14=[cfa-4]", CfiInterpreter.rowAt(f, 9).toString());
        assertEquals("cfa=r13+8 r4=[cfa-8] r5=same_value r6=undefined r14=[cfa-4]", CfiInterpreter.rowAt(f, 10).toString());
        assertEquals(RegisterRule.register(3), CfiInterpreter.rowAt(f, 12).rule(8));
        UnwindRow last = CfiInterpreter.rowAt(f, 14);
        assertEquals("cfa-4", last.rule(9).toString());
        assertEquals("[cfa+4]", last.rule(10).toString());
        assertEquals(RegisterRule.Type.EXPRESSION, last.rule(11).type());
        assertEquals(8, last.cfaOffset());
    }

    @Test
    void applyingRowsRecoversCallerRegistersAndRefusesExpressions() throws Exception {
        Fde f = CfiParser.parseDebugFrame(ByteView.of(debugFrame(1, 0x100, 0x40, PROLOGUE))).get(0);
        byte[] stack = new byte[32];
        ByteView.of(stack); // words at 0x20000000: r4, r7, lr
        put(stack, 16, 0x44);
        put(stack, 20, 0x77);
        put(stack, 24, 0x1235);
        RegionMemory mem = new RegionMemory().add("stack", 0x2000_0000L, stack);
        RegisterSet regs = RegisterSet.empty().with(RegisterSet.SP, 0x2000_0008L).with(7, 0x2000_0008L).with(0, 1).with(5, 0x55)
                .with(RegisterSet.LR, 0xDEAD).with(RegisterSet.PC, 0x120);
        FrameStepper.Step step = FrameStepper.apply(mem, regs, CfiInterpreter.rowAt(f, 0x120), "cfi", false);
        assertEquals(0x2000_001CL, step.cfa());
        assertEquals(0x1235, step.returnAddress());
        assertEquals(0x1234, step.caller().value(RegisterSet.PC));
        assertEquals(0x44, step.caller().value(4));
        assertEquals(0x77, step.caller().value(7));
        assertEquals(0x55, step.caller().value(5), "callee-saved r5 keeps its value");
        assertTrue(step.caller().get(0).isEmpty(), "r0 is not preserved across a call: unknown, not a value");

        UnwindRow exprCfa = new UnwindRow();
        exprCfa.setCfaExpression(ByteView.of(new byte[] {0x70}));
        UnwindStop stop = assertThrows(UnwindStop.class, () -> FrameStepper.apply(mem, regs, exprCfa, "cfi", false));
        assertEquals(StopReason.Kind.UNSUPPORTED, stop.reason().kind());

        RegionMemory empty = new RegionMemory();
        UnwindStop missing = assertThrows(UnwindStop.class, () -> FrameStepper.apply(empty, regs, CfiInterpreter.rowAt(f, 0x120), "cfi", true));
        assertEquals(StopReason.Kind.MEMORY_NOT_DUMPED, missing.reason().kind());
        assertTrue(missing.reason().sentence().contains("0x20000018") && missing.reason().sentence().contains("truncated"), missing.reason().sentence());
    }

    static void put(byte[] b, int off, long v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    @Test
    void ehFrameWithZrAugmentationAndPcRelativePointers() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream cie = new ByteArrayOutputStream();
        le32(cie, 0); // CIE id in .eh_frame
        cie.write(1);
        cie.writeBytes("zR".getBytes());
        cie.write(0);
        cie.write(2); cie.write(0x7C); cie.write(14);
        cie.write(1); cie.write(0x1B); // aug length 1: pcrel|sdata4
        cie.write(0x0C); cie.write(13); cie.write(0);
        pad(cie);
        le32(out, cie.size());
        out.writeBytes(cie.toByteArray());
        int fdeStart = out.size();
        ByteArrayOutputStream fde = new ByteArrayOutputStream();
        le32(fde, fdeStart + 4); // CIE pointer: distance back from this field to the CIE
        int field = fdeStart + 8; // address of the pc-begin field within the section
        long sectionAddr = 0x8000;
        le32(fde, (int) (0x9000 - (sectionAddr + field)));
        le32(fde, 0x20);
        fde.write(0); // augmentation data length
        fde.write(0x41); fde.write(0x0E); fde.write(8);
        pad(fde);
        le32(out, fde.size());
        out.writeBytes(fde.toByteArray());
        le32(out, 0); // terminator
        List<Fde> fdes = CfiParser.parseEhFrame(ByteView.of(out.toByteArray()), sectionAddr);
        assertEquals(1, fdes.size());
        assertEquals(0x9000, fdes.get(0).start());
        assertEquals(0x9020, fdes.get(0).end());
        assertEquals("cfa=r13+8", CfiInterpreter.rowAt(fdes.get(0), 0x9010).toString());
    }

    @Test
    void malformedInputFailsWithAnOffset() {
        byte[] good = debugFrame(1, 0, 0x10, PROLOGUE);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 8);
        FormatException e = assertThrows(FormatException.class, () -> CfiParser.parseDebugFrame(ByteView.of(truncated)));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        Fde bad = CfiParser.parseDebugFrame(ByteView.of(debugFrame(1, 0, 0x10, 0x3F))).get(0);
        assertThrows(FormatException.class, () -> CfiInterpreter.rowAt(bad, 4));
        byte[] v2 = debugFrame(2, 0, 0x10);
        assertThrows(FormatException.class, () -> CfiParser.parseDebugFrame(ByteView.of(v2)));
    }

    @Test
    void indexFindsByBinarySearch() {
        List<Fde> fdes = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            fdes.addAll(CfiParser.parseDebugFrame(ByteView.of(debugFrame(1, 0x1000 + i * 0x20, 0x18))));
        }
        java.util.Collections.shuffle(fdes, new java.util.Random(1));
        FdeIndex index = FdeIndex.of(fdes);
        assertEquals(0x1000 + 500 * 0x20, index.find(0x1000 + 500 * 0x20 + 4).orElseThrow().start());
        assertTrue(index.find(0x1000 + 500 * 0x20 + 0x1C).isEmpty(), "gap between functions");
        assertTrue(index.find(0x0FFF).isEmpty());
    }
}
