package dev.zmkagent.agent.capture;

import dev.zmkagent.agent.doctor.HangAdvice;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.report.CrashReport;
import java.util.List;
import java.util.Optional;

/**
 * What a capture did: no dump on the device, the same dump already in the store, or a new capture stored. {@code hang}
 * is set when there is no dump because the coredump partition is erased.
 */
public record CaptureOutcome(Status status, BootloaderDrive drive, Optional<CrashReport> report, Optional<StoredCapture> capture,
                             long bytesBeforeReport, long currentUf2Size, List<String> looked, Optional<HangAdvice> hang) {
    public CaptureOutcome(Status status, BootloaderDrive drive, Optional<CrashReport> report, Optional<StoredCapture> capture,
                          long bytesBeforeReport, long currentUf2Size, List<String> looked) {
        this(status, drive, report, capture, bytesBeforeReport, currentUf2Size, looked, Optional.empty());
    }

    public enum Status { NO_DUMP, ALREADY_CAPTURED, STORED }
}
