package dev.zmkagent.device.sim;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A simulated Adafruit nRF52 UF2 bootloader drive over a {@link SimFlash}. {@link #attach()} enters the bootloader
 * (the drive appears with INFO_UF2.TXT, INDEX.HTM and a CURRENT.UF2 rendered from flash); {@link #poll()} hands newly
 * written sectors to the bootloader's write rules; when a copy completes the bootloader "resets": the drive leaves and
 * the flash holds the new firmware. Polling runs by hand or on a watcher thread ({@link #startWatcher}).
 */
public abstract class Uf2BootloaderDrive implements AutoCloseable {
    public static final String INFO = "INFO_UF2.TXT";
    public static final String INDEX = "INDEX.HTM";
    public static final String CURRENT = "CURRENT.UF2";

    protected final BootloaderProfile profile;
    protected final SimFlash flash;
    private Uf2WriteHandler handler;
    private volatile boolean attached;
    private volatile int completedCopies;
    private volatile Throwable watcherFailure;
    private Thread watcher;
    private volatile boolean watching;

    protected Uf2BootloaderDrive(BootloaderProfile profile, SimFlash flash) {
        this.profile = profile;
        this.flash = flash;
    }

    /** Where the drive is mounted. */
    public abstract Path root();

    protected abstract void present(byte[] info, byte[] index, byte[] current) throws IOException;

    /** Whole 512-byte sectors the host wrote since the last call. */
    protected abstract List<byte[]> writtenSectors() throws IOException;

    protected abstract void leave() throws IOException;

    public BootloaderProfile profile() {
        return profile;
    }

    public SimFlash flash() {
        return flash;
    }

    public boolean attached() {
        return attached;
    }

    /** How many copies completed (each one reset the bootloader). */
    public int completedCopies() {
        return completedCopies;
    }

    /** CURRENT.UF2 as the bootloader renders it from the flash right now. */
    public byte[] currentUf2() {
        return CurrentUf2Renderer.render(flash.snapshot(), profile.window().start(), profile.window().end(), profile.family());
    }

    /** Enters the bootloader: fresh write state, files rendered from flash, drive present. */
    public synchronized void attach() throws IOException {
        if (attached) {
            return;
        }
        handler = new Uf2WriteHandler(flash, profile.family(), profile.window().end());
        present(profile.infoUf2().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                profile.indexHtm().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), currentUf2());
        attached = true;
    }

    /** Applies what was written; true when a copy completed (the drive then left). */
    public synchronized boolean poll() throws IOException {
        if (!attached) {
            return false;
        }
        for (byte[] sector : writtenSectors()) {
            if (handler.write(ByteView.of(sector)) == Uf2WriteHandler.Result.COMPLETE) {
                completedCopies++;
                attached = false;
                leave();
                return true;
            }
        }
        return false;
    }

    /** Blocks the current copy has counted so far. */
    public synchronized int blocksCounted() {
        return handler == null ? 0 : handler.blocksCounted();
    }

    public synchronized void startWatcher(Duration interval) {
        if (watcher != null) {
            return;
        }
        watching = true;
        watcher = new Thread(() -> {
            while (watching) {
                try {
                    poll();
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    watcherFailure = e;
                    return;
                }
            }
        }, "uf2-drive-sim");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** A failure of the watcher thread, for tests to rethrow. */
    public Throwable watcherFailure() {
        return watcherFailure;
    }

    /**
     * Stops the watcher between two polls. It is not interrupted mid-poll: a poll can be applying a copy and running
     * the drive's leave (fusermount), and interrupting that would leave the drive half gone. Only a watcher that does
     * not stop within 10 s is interrupted.
     */
    public void stopWatcher() {
        watching = false;
        Thread t = watcher;
        if (t != null) {
            try {
                t.join(10_000);
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(2000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        watcher = null;
    }

    @Override
    public void close() throws IOException {
        stopWatcher();
        synchronized (this) {
            if (attached) {
                attached = false;
                leave();
            }
        }
    }
}
