package dev.zmkagent.device.flash;

import java.io.IOException;

/**
 * Keeps a dump found on a device before flashing destroys it. The agent's capture store implements this (so the
 * dump becomes an ordinary capture, analyzed and in history); the device module only says when to call it.
 * Implementations must be idempotent by {@link PendingDump#sha256()}: saving the same content twice returns the
 * first location with {@code alreadySaved}.
 */
public interface DumpSaver {
    SavedDump save(PendingDump dump) throws IOException;
}
