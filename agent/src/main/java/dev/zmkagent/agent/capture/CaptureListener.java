package dev.zmkagent.agent.capture;

import dev.zmkagent.coredump.report.CrashReport;

/** What a capture tells its caller while it runs; every method is optional. */
public interface CaptureListener {
    /** The dump has been read and analyzed: the report can be shown before the record copy starts. */
    default void firstReport(BootloaderDrive drive, CrashReport report, long bytesRead, long fileSize) {
    }

    /** Progress of the copy of the whole CURRENT.UF2. */
    default void copyProgress(long done, long total) {
    }

    CaptureListener NONE = new CaptureListener() {
    };
}
