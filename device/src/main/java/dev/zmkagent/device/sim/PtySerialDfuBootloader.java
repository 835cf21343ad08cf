package dev.zmkagent.device.sim;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link SerialDfuBootloader} behind a pseudo-terminal (openpty(3) through JNA), so the host side opens a real tty
 * path with jSerialComm, exactly like the bootloader's CDC port. The pty is raw (cfmakeraw). When the bootloader leaves
 * DFU (application activated, or a reset on a rejected packet) the pty is closed, so the port disappears as a USB CDC
 * port does. Linux and macOS only.
 */
public final class PtySerialDfuBootloader implements AutoCloseable {
    interface LibC extends Library {
        int openpty(IntByReference master, IntByReference slave, byte[] name, Pointer termp, Pointer winp);

        int tcgetattr(int fd, byte[] termios);

        void cfmakeraw(byte[] termios);

        int tcsetattr(int fd, int action, byte[] termios);

        NativeLong read(int fd, byte[] buffer, NativeLong count);

        NativeLong write(int fd, byte[] buffer, NativeLong count);

        int poll(Pointer fds, int nfds, int timeout);

        int close(int fd);
    }

    private static final short POLLIN = 1;
    private final SerialDfuBootloader bootloader;
    private final LibC libc;
    private final int master;
    private final int slave;
    private final String path;
    private final Thread pump;
    private volatile boolean running = true;
    private volatile boolean closed;

    private PtySerialDfuBootloader(SerialDfuBootloader bootloader, LibC libc, int master, int slave, String path) {
        this.bootloader = bootloader;
        this.libc = libc;
        this.master = master;
        this.slave = slave;
        this.path = path;
        this.pump = new Thread(this::pump, "dfu-pty-sim");
        pump.setDaemon(true);
    }

    public static PtySerialDfuBootloader start(SerialDfuBootloader bootloader) throws IOException {
        LibC libc = load();
        IntByReference m = new IntByReference();
        IntByReference s = new IntByReference();
        byte[] name = new byte[256];
        if (libc.openpty(m, s, name, null, null) != 0) {
            throw new IOException("openpty failed (errno " + Native.getLastError() + ")");
        }
        byte[] termios = new byte[256];
        if (libc.tcgetattr(s.getValue(), termios) == 0) {
            libc.cfmakeraw(termios);
            libc.tcsetattr(s.getValue(), 0, termios);
        }
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        PtySerialDfuBootloader p = new PtySerialDfuBootloader(bootloader, libc, m.getValue(), s.getValue(),
                new String(name, 0, len, StandardCharsets.US_ASCII));
        p.pump.start();
        return p;
    }

    /** Whether openpty can be called here. */
    public static boolean available() {
        try {
            load();
            return !System.getProperty("os.name", "").toLowerCase().contains("win");
        } catch (LinkageError | IOException e) {
            return false;
        }
    }

    private static LibC load() throws IOException {
        for (String lib : new String[] {"c", "util"}) {
            try {
                LibC l = Native.load(lib, LibC.class);
                com.sun.jna.NativeLibrary.getInstance(lib).getFunction("openpty");
                return l;
            } catch (UnsatisfiedLinkError e) {
                // try the next library
            }
        }
        throw new IOException("openpty is not available on this system");
    }

    /** The tty path the host opens (/dev/pts/N). */
    public String path() {
        return path;
    }

    public SerialDfuBootloader bootloader() {
        return bootloader;
    }

    private void pump() {
        Memory fds = new Memory(8);
        byte[] buf = new byte[4096];
        while (running) {
            fds.setInt(0, master);
            fds.setShort(4, POLLIN);
            fds.setShort(6, (short) 0);
            int r = libc.poll(fds, 1, 50);
            if (r <= 0 || (fds.getShort(6) & POLLIN) == 0) {
                continue;
            }
            long n = libc.read(master, buf, new NativeLong(buf.length)).longValue();
            if (n <= 0) {
                continue;
            }
            byte[] reply = bootloader.receive(buf, 0, (int) n);
            if (reply.length > 0) {
                libc.write(master, reply, new NativeLong(reply.length));
            }
            if (bootloader.gone()) {
                // Give the host a moment to read the last acknowledgement, then vanish like a resetting USB device.
                sleep(100);
                hangUp();
                return;
            }
        }
    }

    private synchronized void hangUp() {
        if (!closed) {
            closed = true;
            running = false;
            libc.close(slave);
            libc.close(master);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            pump.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        hangUp();
    }

    @Override
    public String toString() {
        return "PtySerialDfuBootloader" + Arrays.asList(path, bootloader.state());
    }
}
