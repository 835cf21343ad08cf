package dev.zmkagent.coredump.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.dwarf.FrameScope;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The DWARF expression stack machine on hand-written expressions (DWARF 5 section 2.5 semantics): what each operation
 * computes, where a value lives, and that missing registers/memory, runaway branches and stack overflows end the
 * evaluation with a reason instead of a value.
 */
class ExpressionEvaluatorTest {
    /** Registers and memory of one frame, set per test. */
    static final class Frame implements ExpressionEvaluator.ExpressionFrame {
        final Map<Integer, Long> regs = new HashMap<>();
        final Map<Long, Integer> mem = new HashMap<>();
        long cfa = 0x2000_1000L;

        @Override
        public OptionalLong register(int reg) {
            Long v = regs.get(reg);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }

        @Override
        public OptionalLong read(long address, int size) {
            long v = 0;
            for (int i = 0; i < size; i++) {
                Integer b = mem.get(address + i);
                if (b == null) {
                    return OptionalLong.empty();
                }
                v |= (long) b << (8 * i);
            }
            return OptionalLong.of(v);
        }

        @Override
        public OptionalLong cfa() {
            return OptionalLong.of(cfa);
        }

        @Override
        public long frameBase() {
            return cfa;
        }

        @Override
        public long entryValue(ByteView expression) throws Missing.Unavailable {
            if (ExpressionEvaluator.singleRegister(expression) == 0) {
                return 17;
            }
            throw new Missing.Unavailable(Missing.OPTIMIZED);
        }

        void word(long address, long value) {
            for (int i = 0; i < 4; i++) {
                mem.put(address + i, (int) (value >>> (8 * i)) & 0xFF);
            }
        }
    }

    static final FrameScope.ExpressionUnit UNIT = new FrameScope.ExpressionUnit() {
        @Override
        public int addressSize() {
            return 4;
        }

        @Override
        public long indexedAddress(long index) {
            return 0x3000 + 4 * index;
        }
    };

    static ByteView ops(int... b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int x : b) {
            out.write(x);
        }
        return ByteView.of(out.toByteArray());
    }

    static long value(Frame f, int... b) throws Missing.Unavailable {
        return ExpressionEvaluator.value(ops(b), UNIT, f);
    }

    @Test
    void literalsArithmeticAndStackOperations() throws Exception {
        Frame f = new Frame();
        assertEquals(7, value(f, 0x37));                                   // lit7
        assertEquals(0xFFFFFFF6L, value(f, 0x09, 0xF6));                   // const1s -10 (32-bit)
        assertEquals(300, value(f, 0x10, 0xAC, 0x02));                     // constu 300
        assertEquals(5, value(f, 0x32, 0x33, 0x22));                       // 2 3 plus
        assertEquals(1, value(f, 0x33, 0x32, 0x1c));                       // 3 2 minus
        assertEquals(0xFFFFFFFFL, value(f, 0x32, 0x33, 0x1c));             // 2 3 minus wraps at 32 bits
        assertEquals(6, value(f, 0x32, 0x33, 0x1e));                       // mul
        assertEquals(2, value(f, 0x39, 0x34, 0x1b));                       // 9 4 div
        assertEquals(1, value(f, 0x39, 0x34, 0x1d));                       // 9 4 mod
        assertEquals(8, value(f, 0x31, 0x33, 0x24));                       // 1 3 shl
        assertEquals(0x7FFFFFFFL, value(f, 0x09, 0xFF, 0x31, 0x25));       // -1 1 shr
        assertEquals(0xFFFFFFFFL, value(f, 0x09, 0xFF, 0x31, 0x26));       // -1 1 shra
        assertEquals(4, value(f, 0x34, 0x35, 0x14, 0x16, 0x13));           // 4 5 over swap drop -> 4 ... top
        assertEquals(18, value(f, 0x39, 0x12, 0x22, 0x39, 0x1c, 0x39, 0x22)); // 9 dup plus 9 minus 9 plus
        assertEquals(1, value(f, 0x33, 0x33, 0x29));                       // eq
        assertEquals(1, value(f, 0x09, 0xFF, 0x30, 0x2d));                 // -1 < 0 (signed)
        assertEquals(12, value(f, 0x3a, 0x23, 0x02));                      // 10 plus_uconst 2
        assertEquals(0x3008, value(f, 0xa1, 0x02));                        // addrx 2
    }

    @Test
    void branchesSkipAndTheStepBound() throws Exception {
        Frame f = new Frame();
        // lit1; bra +1; lit5 (skipped); lit7
        assertEquals(7, value(f, 0x31, 0x28, 0x01, 0x00, 0x35, 0x37));
        // skip -3 forever: bounded, and an error rather than a hang
        Missing.Unavailable loop = assertThrows(Missing.Unavailable.class, () -> value(f, 0x2f, 0xFD, 0xFF));
        assertTrue(loop.missing.detail().contains("steps"), loop.missing.detail());
        Missing.Unavailable outside = assertThrows(Missing.Unavailable.class, () -> value(f, 0x2f, 0x40, 0x00));
        assertTrue(outside.missing.detail().contains("outside"), outside.missing.detail());
    }

    @Test
    void theStackIsBounded() {
        int[] many = new int[ExpressionEvaluator.MAX_STACK + 1];
        java.util.Arrays.fill(many, 0x30);
        Missing.Unavailable e = assertThrows(Missing.Unavailable.class, () -> value(new Frame(), many));
        assertTrue(e.missing.detail().contains("overflow"));
        Missing.Unavailable under = assertThrows(Missing.Unavailable.class, () -> value(new Frame(), 0x22));
        assertTrue(under.missing.detail().contains("underflow"));
    }

    @Test
    void registersMemoryAndTheirAbsence() throws Exception {
        Frame f = new Frame();
        f.regs.put(13, 0x2000_0100L);
        f.word(0x2000_0108L, 0xCAFE);
        assertEquals(0xCAFE, value(f, 0x7d, 0x08, 0x06));                  // breg13 +8; deref
        assertEquals(0xFE, value(f, 0x7d, 0x08, 0x94, 0x01));              // deref_size 1
        Missing.Unavailable reg = assertThrows(Missing.Unavailable.class, () -> value(f, 0x74, 0x00));
        assertEquals(Missing.Kind.REGISTER, reg.missing.kind());
        assertEquals(4, reg.missing.number());
        Missing.Unavailable mem = assertThrows(Missing.Unavailable.class, () -> value(f, 0x7d, 0xC0, 0x00, 0x06)); // breg13 +64 (sleb 0xC0 0x00)
        assertEquals(Missing.Kind.MEMORY, mem.missing.kind());
        assertEquals(0x2000_0140L, mem.missing.number());
        assertEquals(0x2000_0FF8L, value(f, 0x91, 0x78));                  // fbreg -8 (frame base = CFA)
        assertEquals(0x2000_1000L, value(f, 0x9c));                        // call_frame_cfa
        assertEquals(17, value(f, 0xa3, 0x01, 0x50));                      // entry_value(reg0)
        assertEquals(17, value(f, 0xf3, 0x01, 0x50));                      // GNU_entry_value(reg0)
    }

    @Test
    void locationsAndPieces() throws Exception {
        Frame f = new Frame();
        List<Piece> reg = ExpressionEvaluator.location(ops(0x55), UNIT, f);
        assertEquals(Piece.Kind.REGISTER, reg.get(0).kind());
        assertEquals(5, reg.get(0).number());
        List<Piece> regx = ExpressionEvaluator.location(ops(0x90, 0x40), UNIT, f);
        assertEquals(64, regx.get(0).number(), "regx 64 (s0)");
        List<Piece> stackValue = ExpressionEvaluator.location(ops(0x3a, 0x9f), UNIT, f);
        assertEquals(Piece.Kind.VALUE, stackValue.get(0).kind());
        assertEquals(10, stackValue.get(0).number());
        List<Piece> implicit = ExpressionEvaluator.location(ops(0x9e, 0x02, 0x34, 0x12), UNIT, f);
        assertEquals(Piece.Kind.IMPLICIT, implicit.get(0).kind());
        assertEquals(2, implicit.get(0).bytes().length);
        // r0 for 4 bytes, then nothing (optimized out) for 2, then memory at 0x100 for 2
        List<Piece> pieces = ExpressionEvaluator.location(ops(0x50, 0x93, 0x04, 0x93, 0x02, 0x0a, 0x00, 0x01, 0x93, 0x02), UNIT, f);
        assertEquals(3, pieces.size());
        assertEquals(Piece.Kind.REGISTER, pieces.get(0).kind());
        assertEquals(32, pieces.get(0).sizeBits());
        assertEquals(Piece.Kind.OPTIMIZED_OUT, pieces.get(1).kind());
        assertEquals(Piece.Kind.MEMORY, pieces.get(2).kind());
        assertEquals(0x100, pieces.get(2).number());
        List<Piece> bits = ExpressionEvaluator.location(ops(0x51, 0x9d, 0x03, 0x05), UNIT, f);
        assertEquals(3, bits.get(0).sizeBits());
        assertEquals(5, bits.get(0).bitOffset());
        List<Piece> pointer = ExpressionEvaluator.location(ops(0xa0, 0x10, 0x00, 0x00, 0x00, 0x00), UNIT, f);
        assertEquals(Piece.Kind.IMPLICIT_POINTER, pointer.get(0).kind());
        assertEquals(Piece.Kind.OPTIMIZED_OUT, ExpressionEvaluator.location(ops(), UNIT, f).get(0).kind());
    }

    @Test
    void readingPiecesIntoBytes() throws Exception {
        Frame f = new Frame();
        f.regs.put(0, 0x44332211L);
        f.word(0x100, 0x6655);
        List<Piece> pieces = ExpressionEvaluator.location(ops(0x50, 0x93, 0x04, 0x93, 0x02, 0x0a, 0x00, 0x01, 0x93, 0x02), UNIT, f);
        ValueBytes b = ValueBytes.read(pieces, 8, f);
        assertEquals(0x44332211L, b.unsigned(0, 4));
        assertEquals(Missing.Kind.OPTIMIZED_OUT, b.missingIn(4, 2).kind());
        assertEquals(0x6655, b.unsigned(6, 2));
        assertEquals(null, b.missingIn(6, 2));
        // a 64-bit value in r0 continues in r1, which is not known here
        ValueBytes wide = ValueBytes.read(ExpressionEvaluator.location(ops(0x50), UNIT, f), 8, f);
        assertEquals(Missing.Kind.REGISTER, wide.missingIn(0, 8).kind());
        assertEquals(1, wide.missingIn(0, 8).number());
    }

    @Test
    void entryValueConditionsAreGdbs() {
        assertEquals(3, ExpressionEvaluator.singleRegister(ops(0x53)));
        assertEquals(70, ExpressionEvaluator.singleRegister(ops(0x90, 70)));
        assertEquals(-1, ExpressionEvaluator.singleRegister(ops(0x53, 0x9f)));
        assertEquals(OptionalLong.of(-8), ExpressionEvaluator.fbOffset(ops(0x91, 0x78)));
        assertEquals(OptionalLong.of(4), ExpressionEvaluator.spOffset(ops(0x7d, 0x04)));
        assertEquals(OptionalLong.empty(), ExpressionEvaluator.spOffset(ops(0x7c, 0x04)));
    }
}
