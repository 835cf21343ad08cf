package dev.zmkagent.agent.store;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Recognises a full disk (or an exhausted quota) and words what it cost a capture. */
final class DiskSpace {
    private DiskSpace() {
    }

    /** ENOSPC or EDQUOT, as the JDK reports them (the C library's message; no errno is exposed). */
    static boolean isFull(IOException e) {
        String m = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (m == null) {
            return false;
        }
        String l = m.toLowerCase(Locale.ROOT);
        return l.contains("no space left on device") || l.contains("disk quota exceeded");
    }

    static String notKept(long bytes) {
        return String.format(Locale.ROOT, "no space left on the disk for its %.1f MiB; the dump (partition.bin) and the reports were kept"
                + " (free space, or capture with --region-only)", bytes / (double) (1 << 20));
    }

    static IOException notStored(Path store, Map<String, byte[]> files) {
        long needed = files.entrySet().stream().filter(e -> !e.getKey().equals(CaptureStore.CURRENT_UF2)).mapToLong(e -> e.getValue().length).sum();
        return new IOException(String.format(Locale.ROOT, "no space left on the disk of %s: the capture was not stored (it needs %d KiB without"
                + " CURRENT.UF2); free some space and capture again: the dump stays on the keyboard until it is flashed again", store, (needed + 1023) / 1024));
    }
}
