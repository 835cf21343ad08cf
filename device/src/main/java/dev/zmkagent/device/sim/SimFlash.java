package dev.zmkagent.device.sim;

import java.util.Arrays;

/** The 1 MiB flash of a simulated nRF52840: erased bytes read 0xFF; writes replace bytes (the page cache erases first). */
public final class SimFlash {
    public static final int SIZE = 0x100000;
    public static final int PAGE = 4096;
    private final byte[] bytes = new byte[SIZE];

    public SimFlash() {
        Arrays.fill(bytes, (byte) 0xFF);
    }

    public synchronized void write(long addr, byte[] data, int offset, int length) {
        check(addr, length);
        System.arraycopy(data, offset, bytes, (int) addr, length);
    }

    public void write(long addr, byte[] data) {
        write(addr, data, 0, data.length);
    }

    public synchronized void erasePage(long addr) {
        long page = addr - addr % PAGE;
        check(page, PAGE);
        Arrays.fill(bytes, (int) page, (int) page + PAGE, (byte) 0xFF);
    }

    public synchronized byte[] read(long addr, int length) {
        check(addr, length);
        return Arrays.copyOfRange(bytes, (int) addr, (int) addr + length);
    }

    /** A copy of the whole flash from address 0. */
    public synchronized byte[] snapshot() {
        return bytes.clone();
    }

    private static void check(long addr, long length) {
        if (addr < 0 || length < 0 || addr + length > SIZE) {
            throw new IllegalArgumentException(String.format("flash access 0x%X+0x%X is outside the 1 MiB flash", addr, length));
        }
    }
}
