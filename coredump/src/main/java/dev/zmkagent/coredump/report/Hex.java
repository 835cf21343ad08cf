package dev.zmkagent.coredump.report;

/** The one way reports print addresses and register values. */
public final class Hex {
    private Hex() {
    }

    public static String word(long v) {
        return String.format("0x%08x", v & 0xFFFF_FFFFL);
    }

    public static String addr(long v) {
        return String.format("0x%x", v);
    }
}
