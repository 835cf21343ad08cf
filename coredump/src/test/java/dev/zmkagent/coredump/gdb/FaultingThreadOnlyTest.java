package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.unwind.RegisterSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.memory.RegionMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FaultingThreadOnlyTest {
    /** r0..r12, sp, lr, pc, xpsr */
    private static ArchBlock arch(long sp, long xpsr, boolean callee) {
        long[] r = new long[17];
        for (int i = 0; i <= 12; i++) {
            r[i] = 0x100 + i;
        }
        r[13] = sp;
        r[14] = 0x1235;
        r[15] = 0x1000;
        r[16] = xpsr;
        return new ArchBlock(callee ? 2 : 1, r, callee, 0);
    }

    /** A stacked frame for {@link #arch} at {@code at}. */
    private static RegionMemory frameAt(long at, long xpsr) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x100).putInt(0x101).putInt(0x102).putInt(0x103).putInt(0x10c).putInt(0x1235).putInt(0x1000).putInt((int) xpsr);
        return new RegionMemory().add("dump", at, b.array());
    }

    @Test
    void spPointingAtTheStackedFrameIsTheFrameAddressOfZephyr35() {
        GdbThread t = new FaultingThreadOnly(Optional.of(arch(0x20000100, 0x0100_0000, true)), frameAt(0x20000100, 0x0100_0000)).threads().get(0);
        assertEquals(0x20000120L, t.registers().value(RegisterSet.SP));
        assertEquals(0x20000120L, t.registers().value(RegisterSet.PSP));
        assertFalse(t.registers().has(RegisterSet.MSP));
        assertEquals(0x107L, t.registers().value(7));
    }

    @Test
    void alignmentPaddingFromXpsrBit9IsAddedBack() {
        long xpsr = 0x0100_0200;
        GdbThread t = new FaultingThreadOnly(Optional.of(arch(0x20000100, xpsr, true)), frameAt(0x20000100, xpsr)).threads().get(0);
        assertEquals(0x20000124L, t.registers().value(RegisterSet.SP));
    }

    @Test
    void spAboveTheFrameIsZephyr41sPreExceptionSpAndKeptAsIs() {
        GdbThread t = new FaultingThreadOnly(Optional.of(arch(0x20000120, 0x0100_0000, false)), frameAt(0x20000100, 0x0100_0000)).threads().get(0);
        assertEquals(0x20000120L, t.registers().value(RegisterSet.SP));
        for (int r = 4; r <= 11; r++) {
            assertFalse(t.registers().has(r), "r" + r);
        }
        assertTrue(t.extraInfo().contains("r4-r11 not recorded"), t.extraInfo());
    }

    @Test
    void handlerModeMeansSpIsMspAndZeroSpIsUnknown() {
        GdbThread isr = new FaultingThreadOnly(Optional.of(arch(0x20000120, 0x0100_0021, true)), new RegionMemory()).threads().get(0);
        assertEquals(0x20000120L, isr.registers().value(RegisterSet.MSP));
        assertFalse(isr.registers().has(RegisterSet.PSP));
        assertTrue(isr.extraInfo().contains("IRQ 17"), isr.extraInfo());
        GdbThread zero = new FaultingThreadOnly(Optional.of(arch(0, 0x0100_0000, true)), new RegionMemory()).threads().get(0);
        assertFalse(zero.registers().has(RegisterSet.SP));
        GdbThread none = new FaultingThreadOnly(Optional.empty(), new RegionMemory()).threads().get(0);
        assertFalse(none.registers().has(RegisterSet.PC));
    }

    @Test
    void stopSignalsSayWhatKindOfFault() {
        assertEquals(StopSignal.SIGSEGV, StopSignal.forReason(0));
        assertEquals(StopSignal.SIGSEGV, StopSignal.forReason(2));
        assertEquals(StopSignal.SIGABRT, StopSignal.forReason(3));
        assertEquals(StopSignal.SIGABRT, StopSignal.forReason(4));
        assertEquals(StopSignal.SIGSEGV, StopSignal.forReason(16 + 3)); // MEM_DATA_ACCESS
        assertEquals(StopSignal.SIGBUS, StopSignal.forReason(16 + 9));  // BUS_PRECISE_DATA_BUS
        assertEquals(StopSignal.SIGFPE, StopSignal.forReason(16 + 14)); // USAGE_DIV_0
        assertEquals(StopSignal.SIGILL, StopSignal.forReason(16 + 20)); // USAGE_UNDEFINED_INSTRUCTION
        assertEquals(StopSignal.SIGSEGV, StopSignal.forReason(999));
    }
}
