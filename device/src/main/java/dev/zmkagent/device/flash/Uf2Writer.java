package dev.zmkagent.device.flash;

import dev.zmkagent.device.drive.DriveFiles;
import dev.zmkagent.device.drive.DriveScanner;
import dev.zmkagent.device.uf2.Uf2Block;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Copies a UF2 to a bootloader drive as NEW.UF2, then waits for the drive to leave. The bootloader resets (or jumps to
 * the application) the moment it has the last block, often while the OS is still flushing directory sectors, so an
 * I/O error after every block was written is success, not failure (Adafruit_nRF52_Bootloader #212).
 */
public final class Uf2Writer {
    /** Blocks per write: small enough for a smooth progress bar, large enough to be quick. */
    static final int CHUNK_BLOCKS = 16;

    private final Duration leaveTimeout;
    private final Duration pollInterval;

    public Uf2Writer(Duration leaveTimeout, Duration pollInterval) {
        this.leaveTimeout = leaveTimeout;
        this.pollInterval = pollInterval;
    }

    public FlashOutcome write(Path driveRoot, byte[] uf2, ProgressListener progress) throws IOException {
        int total = uf2.length / Uf2Block.SIZE;
        Path target = driveRoot.resolve("NEW.UF2");
        int written = 0;
        boolean disconnect = false;
        progress.start("Flashing", total);
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (written < total) {
                int n = Math.min(CHUNK_BLOCKS, total - written);
                ByteBuffer b = ByteBuffer.wrap(uf2, written * Uf2Block.SIZE, n * Uf2Block.SIZE);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                written += n;
                progress.advance(written);
            }
            ch.force(true);
        } catch (IOException e) {
            if (written < total) {
                progress.finish();
                boolean gone = gone(driveRoot);
                throw new IOException(String.format("writing NEW.UF2 failed after %d of %d blocks%s: %s", written, total,
                        gone ? " (the drive disconnected: re-enter the bootloader and flash again)" : "", e.getMessage()), e);
            }
            disconnect = true; // the last block landed; the bootloader reset during the flush
        }
        progress.finish();
        boolean left = waitUntilGone(driveRoot);
        String message = left
                ? "the bootloader took the firmware and restarted"
                : "the drive is still there " + leaveTimeout.toSeconds() + " s after the copy: the bootloader did not finish"
                        + " (a partial copy, or a UF2 it ignores); re-enter the bootloader (double reset) and try again";
        return new FlashOutcome(written, total, disconnect, left, message);
    }

    private boolean waitUntilGone(Path root) {
        long deadline = System.nanoTime() + leaveTimeout.toNanos();
        while (true) {
            if (gone(root)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return gone(root);
            }
        }
    }

    /** The drive has left when its INFO_UF2.TXT is no longer there (unmounted, or the mount point removed). */
    static boolean gone(Path root) {
        return !Files.isDirectory(root) || DriveFiles.find(root, DriveScanner.INFO_FILE).isEmpty();
    }
}
