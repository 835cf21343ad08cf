package dev.zmkagent.agent.io;

import dev.zmkagent.coredump.bytes.FormatException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a file the user named (a dump, an ELF, a firmware UF2) whole, after checking that it is a regular file no
 * larger than what such a file can be: a 3 GB mistake must end in one line naming the file, not in an
 * OutOfMemoryError. Every message names the path and what was expected there.
 */
public final class UserFiles {
    /** Largest dump input or ELF accepted: a whole nRF52840 flash as UF2 is under 2 MiB; logs and ELFs can be larger. */
    public static final long MAX_INPUT = 64L << 20;
    /**
     * Largest firmware UF2 accepted for flashing: the Adafruit bootloader never completes beyond 4196 blocks of 512
     * bytes (about 2 MiB); twice that leaves room for multi-family files.
     */
    public static final long MAX_FIRMWARE_UF2 = 4L << 20;

    private UserFiles() {
    }

    /**
     * The bytes of {@code path}, which should be {@code what} (e.g. "ELF", "firmware UF2"), at most {@code max} bytes.
     *
     * @throws FormatException with one line when the path is missing, a folder, not a regular file, too large or unreadable
     */
    public static byte[] read(Path path, String what, long max) throws IOException {
        try {
            if (Files.isDirectory(path)) {
                throw new FormatException(path + " is a folder, not " + withArticle(what) + " file");
            }
            if (!Files.exists(path)) {
                throw new FormatException("no such file: " + path + " (expected " + withArticle(what) + ")");
            }
            if (!Files.isRegularFile(path)) {
                throw new FormatException(path + " is not a regular file (expected " + withArticle(what) + ")");
            }
            long size = Files.size(path);
            if (size > max) {
                throw new FormatException(String.format("%s is %s; %s is never larger than %s", path, size(size), withArticle(what), size(max)));
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new FormatException("no such file: " + path + " (expected " + withArticle(what) + ")");
        } catch (AccessDeniedException e) {
            throw new FormatException("permission denied: " + path + " (cannot read " + withArticle(what) + ")");
        }
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return (bytes >> 20) + " MiB";
        }
        return bytes + " bytes";
    }

    public static String withArticle(String what) {
        return ("AEIOUaeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ") + what;
    }
}
