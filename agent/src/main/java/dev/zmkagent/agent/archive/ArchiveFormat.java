package dev.zmkagent.agent.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Archive formats recognised by their first bytes (never by the file name, which users rename freely). */
enum ArchiveFormat {
    ZIP, TAR, GZIP, NONE;

    /** Enough to see the ustar magic at offset 257. */
    static final int SNIFF_LENGTH = 265;

    static ArchiveFormat of(Path file) throws IOException {
        byte[] head = new byte[SNIFF_LENGTH];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        }
        return of(head, n);
    }

    static ArchiveFormat of(byte[] head, int n) {
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
            return ZIP;
        }
        if (n >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
            return GZIP;
        }
        if (isTar(head, n)) {
            return TAR;
        }
        return NONE;
    }

    /** POSIX ustar and GNU tar both put "ustar" at offset 257 of the first header. */
    static boolean isTar(byte[] head, int n) {
        return n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }
}
