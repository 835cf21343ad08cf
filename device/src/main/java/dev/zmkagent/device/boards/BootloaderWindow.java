package dev.zmkagent.device.boards;

/**
 * The flash range [start, end) a bootloader version exposes as CURRENT.UF2 (and accepts writes to).
 * {@code fromVersion}/{@code toVersion} are inclusive; null means unbounded.
 */
public record BootloaderWindow(String fromVersion, String toVersion, long start, long end, String note) {
    public boolean covers(long addr, long len) {
        return addr >= start && addr + len <= end;
    }

    public int blockCount() {
        return (int) ((end - start) / 256);
    }

    public boolean appliesTo(String version) {
        return (fromVersion == null || Versions.compare(version, fromVersion) >= 0)
                && (toVersion == null || Versions.compare(version, toVersion) <= 0);
    }
}
