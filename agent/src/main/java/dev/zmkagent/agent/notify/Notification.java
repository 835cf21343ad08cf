package dev.zmkagent.agent.notify;

import java.nio.file.Path;
import java.util.Optional;

/** A desktop notification about a new capture: what crashed, and the report to open. */
public record Notification(String summary, String body, Optional<Path> report, Optional<Path> folder) {
}
