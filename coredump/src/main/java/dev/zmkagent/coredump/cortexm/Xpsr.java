package dev.zmkagent.coredump.cortexm;

/** Decodes xPSR: which exception (IPSR) was active, Thumb state, stack alignment padding and the flags. */
public final class Xpsr {
    private Xpsr() {
    }

    public static int exceptionNumber(long xpsr) {
        return (int) (xpsr & 0x1FF);
    }

    public static boolean thumb(long xpsr) {
        return (xpsr & (1L << 24)) != 0;
    }

    /** Bit 9 in a stacked xPSR: the core added 4 bytes of padding to align the exception frame. */
    public static boolean stackAligned(long xpsr) {
        return (xpsr & (1L << 9)) != 0;
    }

    public static String exceptionName(int n) {
        switch (n) {
            case 0: return "Thread mode";
            case 1: return "Reset";
            case 2: return "NMI";
            case 3: return "HardFault";
            case 4: return "MemManage";
            case 5: return "BusFault";
            case 6: return "UsageFault";
            case 7: return "SecureFault";
            case 11: return "SVCall";
            case 12: return "DebugMonitor";
            case 14: return "PendSV";
            case 15: return "SysTick";
            default: return n >= 16 ? "IRQ " + (n - 16) : "reserved exception " + n;
        }
    }

    public static String describe(long xpsr) {
        int n = exceptionNumber(xpsr);
        StringBuilder s = new StringBuilder();
        s.append(n == 0 ? "thread mode (no exception active)" : "handler mode: " + exceptionName(n) + " (exception " + n + ")");
        s.append(thumb(xpsr) ? ", Thumb" : ", T bit clear (invalid state on Cortex-M)");
        s.append(", flags ");
        s.append((xpsr & (1L << 31)) != 0 ? 'N' : 'n');
        s.append((xpsr & (1L << 30)) != 0 ? 'Z' : 'z');
        s.append((xpsr & (1L << 29)) != 0 ? 'C' : 'c');
        s.append((xpsr & (1L << 28)) != 0 ? 'V' : 'v');
        s.append((xpsr & (1L << 27)) != 0 ? 'Q' : 'q');
        if (stackAligned(xpsr)) {
            s.append(", frame padded for 8-byte alignment");
        }
        return s.toString();
    }
}
