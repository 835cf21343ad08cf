package dev.zmkagent.agent.archive;

import dev.zmkagent.coredump.bytes.FormatException;

/**
 * An attachment refused because it could escape its temporary folder or exhaust the machine: path traversal,
 * absolute names, links, special files, too many entries, too many expanded bytes, archives nested too deep. The
 * message is one line naming the attachment, the entry and the rule.
 */
public final class HostileArchiveException extends FormatException {
    public HostileArchiveException(String message) {
        super(message);
    }
}
