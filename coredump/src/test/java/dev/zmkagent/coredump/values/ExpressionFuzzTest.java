package dev.zmkagent.coredump.values;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.dwarf.FrameScope;
import java.util.OptionalLong;

/**
 * DWARF location expressions as a hostile ELF may hold them (DW_AT_location, DW_AT_frame_base, call-site values):
 * evaluated against a frame whose registers and memory answer for some addresses and not others, and whose entry
 * values recurse into the evaluator. A result, a {@link Missing.Unavailable} (the value's reason) or a
 * {@link FormatException} only; stack depth and step count stay bounded.
 */
class ExpressionFuzzTest {
    private static final FrameScope.ExpressionUnit UNIT = new FrameScope.ExpressionUnit() {
        @Override
        public int addressSize() {
            return 4;
        }

        @Override
        public long indexedAddress(long index) {
            if (index > 16) {
                throw new FormatException(".debug_addr index " + index + " is past the table", 0);
            }
            return 0x2000_0000L + index * 4;
        }
    };

    /** Registers r0-r7 and sp known, memory readable in two windows, entry values one level deep. */
    private static final class Frame implements ExpressionEvaluator.ExpressionFrame {
        private int depth;

        @Override
        public OptionalLong register(int reg) {
            return reg < 8 || reg == 13 ? OptionalLong.of(0x2000_0100L + reg * 8) : OptionalLong.empty();
        }

        @Override
        public OptionalLong read(long address, int size) {
            boolean ram = address >= 0x2000_0000L && address + size <= 0x2000_1000L;
            boolean flash = address >= 0x26000 && address + size <= 0x27000;
            return ram || flash ? OptionalLong.of((address * 2654435761L) & ((size >= 8 ? -1L : (1L << (8 * size)) - 1))) : OptionalLong.empty();
        }

        @Override
        public OptionalLong cfa() {
            return OptionalLong.of(0x2000_0200L);
        }

        @Override
        public long frameBase() {
            return 0x2000_0180L;
        }

        @Override
        public long entryValue(ByteView expression) throws Missing.Unavailable {
            if (depth > 0) {
                throw new Missing.Unavailable(Missing.unsupported("nested entry values"));
            }
            depth++;
            try {
                return ExpressionEvaluator.value(expression, UNIT, this);
            } finally {
                depth--;
            }
        }
    }

    @FuzzTest
    void expression(byte[] data) {
        ByteView expr = ByteView.of(data);
        try {
            ExpressionEvaluator.location(expr, UNIT, new Frame());
        } catch (Missing.Unavailable | FormatException e) {
            // a value that cannot be had, with its reason, or a refusal: fine
        }
        try {
            ExpressionEvaluator.value(expr, UNIT, new Frame());
        } catch (Missing.Unavailable | FormatException e) {
            // likewise
        }
    }
}
