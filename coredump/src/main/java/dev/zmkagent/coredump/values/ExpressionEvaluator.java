package dev.zmkagent.coredump.values;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.dwarf.FrameScope;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A DWARF location-expression evaluator for 32-bit ARM: the stack machine of DWARF 5 section 2.5 (literals,
 * registers, breg/fbreg/call_frame_cfa, arithmetic, logic, comparisons and branches, deref/deref_size, piece and
 * bit_piece, stack_value, implicit_value, implicit_pointer, addrx/constx, entry_value and the GNU forms GCC emits).
 * Registers, memory, the CFA, the frame base and entry values come from an {@link ExpressionFrame}; what is not
 * known ends the evaluation with {@link Missing.Unavailable}, never a made-up zero.
 *
 * <p>Bounds: the stack holds at most {@link #MAX_STACK} entries and at most {@link #MAX_STEPS} operations run
 * (branches can loop); both are errors, not allocations sized by the expression.
 */
final class ExpressionEvaluator {
    static final int MAX_STACK = 256;
    static final int MAX_STEPS = 10_000;
    private static final long MASK = 0xFFFF_FFFFL;

    /** What an expression reads from the frame it is evaluated in. */
    interface ExpressionFrame {
        /** The value of DWARF register {@code reg} in this frame; empty when unknown. */
        OptionalLong register(int reg);

        /** Reads {@code size} (1..8) bytes little endian; empty when the dump lacks them. */
        OptionalLong read(long address, int size);

        OptionalLong cfa();

        /** DW_AT_frame_base of the function, as an address. */
        long frameBase() throws Missing.Unavailable;

        /** DW_OP_entry_value: the value {@code expression} (a register) had when the function was entered. */
        long entryValue(ByteView expression) throws Missing.Unavailable;
    }

    private ExpressionEvaluator() {
    }

    /** Evaluates a location description into pieces (one piece for an expression without DW_OP_piece). */
    static List<Piece> location(ByteView expr, FrameScope.ExpressionUnit unit, ExpressionFrame frame) throws Missing.Unavailable {
        return new Run(expr, unit, frame).run(false);
    }

    /** Evaluates a DWARF expression for its value (the top of the stack): DW_AT_frame_base, DW_AT_call_value. */
    static long value(ByteView expr, FrameScope.ExpressionUnit unit, ExpressionFrame frame) throws Missing.Unavailable {
        List<Piece> p = new Run(expr, unit, frame).run(true);
        Piece only = p.get(0);
        switch (only.kind()) {
            case MEMORY, VALUE:
                return only.number();
            case REGISTER: {
                OptionalLong v = frame.register((int) only.number());
                if (v.isEmpty()) {
                    throw new Missing.Unavailable(Missing.register((int) only.number()));
                }
                return v.getAsLong();
            }
            default:
                throw new Missing.Unavailable(Missing.unsupported("a DWARF expression that is not a single value"));
        }
    }

    /** The register of a location that is exactly DW_OP_regN / DW_OP_regx, else -1 (gdb's entry-value condition). */
    static int singleRegister(ByteView expr) {
        if (expr == null || expr.length() == 0) {
            return -1;
        }
        int op = expr.u8(0);
        if (op >= 0x50 && op <= 0x6f && expr.length() == 1) {
            return op - 0x50;
        }
        if (op == 0x90) {
            try {
                ByteCursor c = expr.cursor(1);
                long r = c.uleb128();
                return c.hasRemaining() || r > 4096 ? -1 : (int) r;
            } catch (FormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** The offset of a location that is exactly DW_OP_fbreg(offset), else empty (gdb's stack-parameter entry values). */
    static OptionalLong fbOffset(ByteView expr) {
        return singleOffset(expr, 0x91);
    }

    /** The offset of a call-site parameter location that is exactly DW_OP_breg13(offset), sp-relative, else empty. */
    static OptionalLong spOffset(ByteView expr) {
        return singleOffset(expr, 0x7d);
    }

    private static OptionalLong singleOffset(ByteView expr, int op) {
        if (expr == null || expr.length() < 2 || expr.u8(0) != op) {
            return OptionalLong.empty();
        }
        try {
            ByteCursor c = expr.cursor(1);
            long off = c.sleb128();
            return c.hasRemaining() ? OptionalLong.empty() : OptionalLong.of(off);
        } catch (FormatException e) {
            return OptionalLong.empty();
        }
    }

    private static final class Run {
        private final ByteView expr;
        private final FrameScope.ExpressionUnit unit;
        private final ExpressionFrame frame;
        private final long[] stack = new long[MAX_STACK];
        private int sp;

        Run(ByteView expr, FrameScope.ExpressionUnit unit, ExpressionFrame frame) {
            this.expr = expr;
            this.unit = unit;
            this.frame = frame;
        }

        private void push(long v) throws Missing.Unavailable {
            if (sp == MAX_STACK) {
                throw new Missing.Unavailable(Missing.error("DWARF expression stack overflow"));
            }
            stack[sp++] = v & MASK;
        }

        private long pop() throws Missing.Unavailable {
            if (sp == 0) {
                throw new Missing.Unavailable(Missing.error("DWARF expression stack underflow"));
            }
            return stack[--sp];
        }

        private static long signed(long v) {
            return (int) v;
        }

        private long reg(int r) throws Missing.Unavailable {
            OptionalLong v = frame.register(r);
            if (v.isEmpty()) {
                throw new Missing.Unavailable(Missing.register(r));
            }
            return v.getAsLong();
        }

        private long deref(long address, int size) throws Missing.Unavailable {
            if (size < 1 || size > 8) {
                throw new Missing.Unavailable(Missing.error("DW_OP_deref_size of " + size + " bytes"));
            }
            OptionalLong v = frame.read(address & MASK, size);
            if (v.isEmpty()) {
                throw new Missing.Unavailable(Missing.memory(address));
            }
            return v.getAsLong();
        }

        List<Piece> run(boolean wantValue) throws Missing.Unavailable {
            List<Piece> pieces = new ArrayList<>();
            Piece pending = null; // a register/implicit location that the next piece (or the end) closes
            ByteCursor c = expr.cursor(0);
            int steps = 0;
            try {
                while (c.hasRemaining()) {
                    if (++steps > MAX_STEPS) {
                        throw new Missing.Unavailable(Missing.error("DWARF expression runs more than " + MAX_STEPS + " steps"));
                    }
                    int op = c.u8();
                    if (op >= 0x30 && op <= 0x4f) { // lit0..lit31
                        push(op - 0x30);
                        continue;
                    }
                    if (op >= 0x50 && op <= 0x6f) { // reg0..reg31
                        pending = new Piece(Piece.Kind.REGISTER, op - 0x50, null, 0, 0);
                        continue;
                    }
                    if (op >= 0x70 && op <= 0x8f) { // breg0..breg31
                        long off = c.sleb128();
                        push(reg(op - 0x70) + off);
                        continue;
                    }
                    switch (op) {
                        case 0x03: push(c.unsigned(unit.addressSize())); break;                 // addr
                        case 0x06: push(deref(pop(), 4)); break;                                // deref
                        case 0x08: push(c.u8()); break;                                         // const1u
                        case 0x09: push((byte) c.u8()); break;                                  // const1s
                        case 0x0a: push(c.u16()); break;                                        // const2u
                        case 0x0b: push((short) c.u16()); break;                                // const2s
                        case 0x0c: push(c.u32()); break;                                        // const4u
                        case 0x0d: push((int) c.u32()); break;                                  // const4s
                        case 0x0e, 0x0f: push(c.u64()); break;                                  // const8u/s
                        case 0x10: push(c.uleb128()); break;                                    // constu
                        case 0x11: push(c.sleb128()); break;                                    // consts
                        case 0x12: { long v = pop(); push(v); push(v); break; }                 // dup
                        case 0x13: pop(); break;                                                // drop
                        case 0x14: { long a = pop(); long b = pop(); push(b); push(a); push(b); break; } // over
                        case 0x15: {                                                            // pick
                            int i = c.u8();
                            if (i >= sp) {
                                throw new Missing.Unavailable(Missing.error("DW_OP_pick past the stack"));
                            }
                            push(stack[sp - 1 - i]);
                            break;
                        }
                        case 0x16: { long a = pop(); long b = pop(); push(a); push(b); break; } // swap
                        case 0x17: { long a = pop(); long b = pop(); long d = pop(); push(a); push(d); push(b); break; } // rot
                        case 0x19: push(Math.abs(signed(pop()))); break;                        // abs
                        case 0x1a: { long a = pop(); push(pop() & a); break; }                  // and
                        case 0x1b: {                                                            // div (signed)
                            long a = signed(pop());
                            long b = signed(pop());
                            if (a == 0) {
                                throw new Missing.Unavailable(Missing.error("division by zero in a DWARF expression"));
                            }
                            push(b / a);
                            break;
                        }
                        case 0x1c: { long a = pop(); push(pop() - a); break; }                  // minus
                        case 0x1d: {                                                            // mod
                            long a = pop();
                            long b = pop();
                            if (a == 0) {
                                throw new Missing.Unavailable(Missing.error("division by zero in a DWARF expression"));
                            }
                            push(Long.remainderUnsigned(b, a));
                            break;
                        }
                        case 0x1e: { long a = pop(); push(pop() * a); break; }                  // mul
                        case 0x1f: push(-signed(pop())); break;                                 // neg
                        case 0x20: push(~pop()); break;                                         // not
                        case 0x21: { long a = pop(); push(pop() | a); break; }                  // or
                        case 0x22: { long a = pop(); push(pop() + a); break; }                  // plus
                        case 0x23: push(pop() + c.uleb128()); break;                            // plus_uconst
                        case 0x24: { long a = pop(); push(a >= 32 ? 0 : pop() << a); break; }   // shl
                        case 0x25: { long a = pop(); long b = pop(); push(a >= 32 ? 0 : b >>> a); break; } // shr
                        case 0x26: { long a = pop(); push(signed(pop()) >> Math.min(a, 31)); break; } // shra
                        case 0x27: { long a = pop(); push(pop() ^ a); break; }                  // xor
                        case 0x28: {                                                            // bra
                            int off = (short) c.u16();
                            if (pop() != 0) {
                                jump(c, off);
                            }
                            break;
                        }
                        case 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e: {                              // eq ge gt le lt ne
                            long a = signed(pop());
                            long b = signed(pop());
                            boolean r = switch (op) {
                                case 0x29 -> b == a;
                                case 0x2a -> b >= a;
                                case 0x2b -> b > a;
                                case 0x2c -> b <= a;
                                case 0x2d -> b < a;
                                default -> b != a;
                            };
                            push(r ? 1 : 0);
                            break;
                        }
                        case 0x2f: jump(c, (short) c.u16()); break;                             // skip
                        case 0x90: pending = new Piece(Piece.Kind.REGISTER, c.uleb128(), null, 0, 0); break; // regx
                        case 0x91: push(frame.frameBase() + c.sleb128()); break;                // fbreg
                        case 0x92: { long r = c.uleb128(); long off = c.sleb128(); push(reg((int) Math.min(r, 4096)) + off); break; } // bregx
                        case 0x93: {                                                            // piece
                            long size = c.uleb128();
                            pieces.add(close(pending, (int) Math.min(size * 8, 1 << 20), 0));
                            pending = null;
                            break;
                        }
                        case 0x94: push(deref(pop(), c.u8())); break;                           // deref_size
                        case 0x96: break;                                                       // nop
                        case 0x9c: {                                                            // call_frame_cfa
                            OptionalLong cfa = frame.cfa();
                            if (cfa.isEmpty()) {
                                throw new Missing.Unavailable(Missing.cfa());
                            }
                            push(cfa.getAsLong());
                            break;
                        }
                        case 0x9d: {                                                            // bit_piece
                            long size = c.uleb128();
                            long offset = c.uleb128();
                            pieces.add(close(pending, (int) Math.min(size, 1 << 20), (int) Math.min(offset, 1 << 20)));
                            pending = null;
                            break;
                        }
                        case 0x9e: {                                                            // implicit_value
                            long n = c.uleb128();
                            if (n < 0 || n > c.remaining()) {
                                throw new Missing.Unavailable(Missing.error("DW_OP_implicit_value runs past the expression"));
                            }
                            byte[] b = expr.slice(c.position(), n).toArray();
                            c.skip(n);
                            pending = new Piece(Piece.Kind.IMPLICIT, 0, b, 0, 0);
                            break;
                        }
                        case 0x9f: pending = new Piece(Piece.Kind.VALUE, pop(), null, 0, 0); break; // stack_value
                        case 0xa0, 0xf2: {                                                      // implicit_pointer
                            c.unsigned(4);
                            c.sleb128();
                            pending = new Piece(Piece.Kind.IMPLICIT_POINTER, 0, null, 0, 0);
                            break;
                        }
                        case 0xa1, 0xa2, 0xfb, 0xfc: push(unit.indexedAddress(c.uleb128())); break; // addrx constx (GNU index forms)
                        case 0xa3, 0xf3: {                                                      // entry_value
                            long n = c.uleb128();
                            if (n < 0 || n > c.remaining()) {
                                throw new Missing.Unavailable(Missing.error("DW_OP_entry_value runs past the expression"));
                            }
                            ByteView sub = expr.slice(c.position(), n);
                            c.skip(n);
                            push(frame.entryValue(sub));
                            break;
                        }
                        case 0xa4, 0xf4: {                                                      // const_type
                            c.uleb128();
                            int n = c.u8();
                            long v = 0;
                            for (int i = 0; i < n; i++) {
                                int b = c.u8();
                                if (i < 8) {
                                    v |= (long) b << (8 * i);
                                }
                            }
                            push(v);
                            break;
                        }
                        case 0xa5, 0xf5: { long r = c.uleb128(); c.uleb128(); push(reg((int) Math.min(r, 4096))); break; } // regval_type
                        case 0xa6, 0xf6: { int n = c.u8(); c.uleb128(); push(deref(pop(), n)); break; } // deref_type
                        case 0xa8, 0xa9, 0xf7, 0xf9: c.uleb128(); break;                        // convert, reinterpret: same bits here
                        default:
                            throw new Missing.Unavailable(Missing.unsupported(String.format("DWARF operation 0x%02x", op)));
                    }
                }
            } catch (FormatException e) {
                throw new Missing.Unavailable(Missing.error("malformed DWARF expression: " + e.getMessage()));
            }
            if (!pieces.isEmpty()) {
                if (pending != null || sp > 0 && pieces.isEmpty()) {
                    pieces.add(close(pending, 0, 0));
                }
                return pieces;
            }
            if (pending != null) {
                return List.of(pending);
            }
            if (sp == 0) {
                return List.of(new Piece(Piece.Kind.OPTIMIZED_OUT, 0, null, 0, 0));
            }
            return List.of(new Piece(wantValue ? Piece.Kind.VALUE : Piece.Kind.MEMORY, stack[sp - 1], null, 0, 0));
        }

        /** The location a DW_OP_piece closes: a register/implicit one, else memory at the stack top, else nothing. */
        private Piece close(Piece pending, int sizeBits, int bitOffset) throws Missing.Unavailable {
            if (pending != null) {
                return new Piece(pending.kind(), pending.number(), pending.bytes(), sizeBits, bitOffset);
            }
            if (sp == 0) {
                return new Piece(Piece.Kind.OPTIMIZED_OUT, 0, null, sizeBits, bitOffset);
            }
            return new Piece(Piece.Kind.MEMORY, pop(), null, sizeBits, bitOffset);
        }

        private void jump(ByteCursor c, int offset) throws Missing.Unavailable {
            long target = c.position() + (long) offset;
            if (target < 0 || target > expr.length()) {
                throw new Missing.Unavailable(Missing.error("DWARF expression branches outside itself"));
            }
            c.seek((int) target);
        }
    }
}
