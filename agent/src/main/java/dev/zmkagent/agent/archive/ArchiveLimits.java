package dev.zmkagent.agent.archive;

/**
 * What an attachment may expand to before it is refused as hostile. A real one (a CI artifact zip, a capture
 * bundle, a folder of dumps) holds a handful of files of at most a few MiB each, so these are far above any real
 * attachment and far below what would hurt the machine.
 *
 * @param maxEntries entries (files, folders, links) in one attachment, nested archives included
 * @param maxFileBytes expanded size of one file (the largest input {@code analyze} reads)
 * @param maxTotalBytes expanded size of all files of one attachment together
 * @param maxNesting archives inside archives: 1 allows a zip inside the attachment, not a zip inside that
 */
public record ArchiveLimits(int maxEntries, long maxFileBytes, long maxTotalBytes, int maxNesting) {
    public static final ArchiveLimits DEFAULT = new ArchiveLimits(1_000, 64L << 20, 512L << 20, 1);
}
