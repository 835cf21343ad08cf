package dev.zmkagent.device.flash;

import java.nio.file.Path;

/** Where a dump is kept, and whether this call saved it or found it already saved. */
public record SavedDump(Path location, boolean alreadySaved) {
}
