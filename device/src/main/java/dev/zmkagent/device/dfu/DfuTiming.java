package dev.zmkagent.device.dfu;

import java.time.Duration;

/**
 * Timeouts and pacing. The bootloader acknowledges a packet on reception and only then erases or writes flash, with
 * a 4-packet queue, so the host must wait after START (the erase) and after every 4 KiB of DATA (a page write); the
 * figures are nrfutil's: erase max(0.5, (pages+1) * 0.0897) s, 0.1024 s per page. {@code pacing} scales every pause
 * (1.0 for hardware; a simulator needs none).
 */
public record DfuTiming(Duration ackTimeout, int maxTries, double pacing, Duration leaveTimeout) {
    public static DfuTiming hardware() {
        return new DfuTiming(Duration.ofSeconds(1), 3, 1.0, Duration.ofSeconds(5));
    }

    public static DfuTiming simulator() {
        return new DfuTiming(Duration.ofMillis(300), 3, 0.0, Duration.ofSeconds(3));
    }

    long eraseWaitMillis(long size) {
        double s = Math.max(0.5, ((size / 4096) + 1) * 0.0897);
        return Math.round(s * 1000 * pacing);
    }

    long pageWriteMillis() {
        return Math.round(102.4 * pacing);
    }

    long activateWaitMillis() {
        return Math.round((89.7 + 102.4) * pacing);
    }
}
