package dev.zmkagent.agent.archive;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One file of an attachment.
 *
 * @param name where it is, as a person reads it: the path as given, then {@code !/} and the name inside each archive
 *     ({@code xiao-tester-crash.zip!/build/zmk.elf}); for a folder, the path as given joined with the relative path
 * @param path where its bytes are now: the file itself, or a private temporary copy extracted from the archive
 * @param size its size in bytes
 * @param modified the time the archive entry or the file carries, when it carries one
 */
public record AttachedFile(String name, Path path, long size, Optional<Instant> modified) {
    /** The last part of the name, without any folder or archive. */
    public String baseName() {
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return name.substring(cut + 1);
    }

    /** The name up to (without) the base name: files with the same folder came from the same folder of the attachment. */
    public String folder() {
        return name.substring(0, name.length() - baseName().length());
    }
}
