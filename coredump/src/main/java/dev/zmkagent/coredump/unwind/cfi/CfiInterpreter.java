package dev.zmkagent.coredump.unwind.cfi;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Executes CFI programs (DWARF 5 §6.4.2): the CIE's initial instructions, then the FDE's instructions up to the
 * target pc, giving the {@link UnwindRow} in effect at that pc. Covers every opcode GCC emits for ARM/Thumb
 * (def_cfa*, offset*, restore*, same_value, undefined, register, remember/restore_state, advance_loc*, set_loc,
 * val_offset*, GNU_args_size, GNU_negative_offset_extended); expressions are kept as such for the caller to refuse.
 */
public final class CfiInterpreter {
    private CfiInterpreter() {
    }

    /** The row in effect at {@code pc} (which must lie in the FDE's range). */
    public static UnwindRow rowAt(Fde fde, long pc) {
        Cie cie = fde.cie();
        UnwindRow row = new UnwindRow();
        State s = new State(fde.start(), pc, row, null);
        run(cie, cie.instructions(), s);
        UnwindRow initial = s.row.copy();
        State f = new State(fde.start(), pc, s.row, initial);
        run(cie, fde.instructions(), f);
        return f.row;
    }

    private static final class State {
        long location;
        final long target;
        UnwindRow row;
        final UnwindRow initial;
        final Deque<UnwindRow> stack = new ArrayDeque<>();

        State(long location, long target, UnwindRow row, UnwindRow initial) {
            this.location = location;
            this.target = target;
            this.row = row;
            this.initial = initial;
        }

        /** Moves to a new location; false when that is past the target, so execution stops. */
        boolean advance(long to) {
            if (to > target) {
                return false;
            }
            location = to;
            return true;
        }

        RegisterRule initialRule(int reg) {
            return initial == null ? RegisterRule.UNSPECIFIED : initial.rule(reg);
        }
    }

    private static void run(Cie cie, ByteView program, State s) {
        ByteCursor c = program.cursor();
        long caf = cie.codeAlignment();
        long daf = cie.dataAlignment();
        while (c.hasRemaining()) {
            long at = c.absolutePosition();
            int op = c.u8();
            int high = op & 0xC0;
            int low = op & 0x3F;
            if (high == 0x40) {
                if (!s.advance(s.location + low * caf)) {
                    return;
                }
                continue;
            }
            if (high == 0x80) {
                s.row.setRule(low, RegisterRule.offset(c.uleb128() * daf));
                continue;
            }
            if (high == 0xC0) {
                s.row.setRule(low, s.initialRule(low));
                continue;
            }
            switch (op) {
                case 0x00: // nop
                    break;
                case 0x01: // set_loc
                    if (!s.advance(c.unsigned(cie.addressSize()))) {
                        return;
                    }
                    break;
                case 0x02:
                    if (!s.advance(s.location + c.u8() * caf)) {
                        return;
                    }
                    break;
                case 0x03:
                    if (!s.advance(s.location + c.u16() * caf)) {
                        return;
                    }
                    break;
                case 0x04:
                    if (!s.advance(s.location + c.u32() * caf)) {
                        return;
                    }
                    break;
                case 0x05: { // offset_extended
                    int reg = reg(c);
                    s.row.setRule(reg, RegisterRule.offset(c.uleb128() * daf));
                    break;
                }
                case 0x06: { // restore_extended
                    int reg = reg(c);
                    s.row.setRule(reg, s.initialRule(reg));
                    break;
                }
                case 0x07:
                    s.row.setRule(reg(c), RegisterRule.UNDEFINED);
                    break;
                case 0x08:
                    s.row.setRule(reg(c), RegisterRule.SAME_VALUE);
                    break;
                case 0x09: { // register
                    int reg = reg(c);
                    s.row.setRule(reg, RegisterRule.register(reg(c)));
                    break;
                }
                case 0x0A: // remember_state
                    if (s.stack.size() > 64) {
                        throw new FormatException("CFI remember_state nested more than 64 deep", at);
                    }
                    s.stack.push(s.row.copy());
                    break;
                case 0x0B: // restore_state
                    if (s.stack.isEmpty()) {
                        throw new FormatException("CFI restore_state without remember_state", at);
                    }
                    s.row = s.stack.pop();
                    break;
                case 0x0C: { // def_cfa
                    int reg = reg(c);
                    s.row.setCfa(reg, c.uleb128());
                    break;
                }
                case 0x0D:
                    s.row.setCfaRegister(reg(c));
                    break;
                case 0x0E:
                    s.row.setCfaOffset(c.uleb128());
                    break;
                case 0x0F: // def_cfa_expression
                    s.row.setCfaExpression(c.bytes(c.uleb128()));
                    break;
                case 0x10: { // expression
                    int reg = reg(c);
                    s.row.setRule(reg, RegisterRule.expression(c.bytes(c.uleb128()), false));
                    break;
                }
                case 0x11: { // offset_extended_sf
                    int reg = reg(c);
                    s.row.setRule(reg, RegisterRule.offset(c.sleb128() * daf));
                    break;
                }
                case 0x12: { // def_cfa_sf
                    int reg = reg(c);
                    s.row.setCfa(reg, c.sleb128() * daf);
                    break;
                }
                case 0x13: // def_cfa_offset_sf
                    s.row.setCfaOffset(c.sleb128() * daf);
                    break;
                case 0x14: { // val_offset
                    int reg = reg(c);
                    s.row.setRule(reg, RegisterRule.valOffset(c.uleb128() * daf));
                    break;
                }
                case 0x15: { // val_offset_sf
                    int reg = reg(c);
                    s.row.setRule(reg, RegisterRule.valOffset(c.sleb128() * daf));
                    break;
                }
                case 0x16: { // val_expression
                    int reg = reg(c);
                    s.row.setRule(reg, RegisterRule.expression(c.bytes(c.uleb128()), true));
                    break;
                }
                case 0x2E: // GNU_args_size
                    c.uleb128();
                    break;
                case 0x2F: { // GNU_negative_offset_extended
                    int reg = reg(c);
                    s.row.setRule(reg, RegisterRule.offset(-c.uleb128() * daf));
                    break;
                }
                default:
                    throw new FormatException(String.format("unknown CFA instruction 0x%02x", op), at);
            }
        }
    }

    private static int reg(ByteCursor c) {
        long r = c.uleb128();
        return r > 1024 ? -1 : (int) r;
    }
}
