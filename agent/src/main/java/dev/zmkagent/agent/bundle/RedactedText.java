package dev.zmkagent.agent.bundle;

import java.util.List;

/**
 * REDACTED.txt: the record of what a bundle had removed, for the user to check before posting and for the maintainer
 * to know which bytes are not the device's. Format (docs/bundle.md): a header of {@code key: value} lines, then one
 * line per range removed ({@code file | region | what | address | size}, the address a RAM address for the dump's key
 * objects and a flash address for settings records), then "Could not be checked:" and "Notes:" as lists.
 */
final class RedactedText {
    private RedactedText() {
    }

    static final String NAME = "REDACTED.txt";

    static String render(String captureId, BundleElf elf, CaptureRedactor.Redacted r) {
        StringBuilder s = new StringBuilder();
        s.append("What zmk-agent removed from this bundle (Bluetooth key material)\n");
        s.append("capture: ").append(captureId).append('\n');
        s.append("elf: ").append(elf.sharedLabel()).append(", sha256 ").append(elf.sha256()).append('\n');
        s.append("located: ").append(r.typed() ? "from the ELF's DWARF types" : "by object names (fallback: no DWARF type)").append(" - ").append(r.method()).append('\n');
        s.append("fill: key fields hold the ASCII text \"REDACTED\" repeated; whole settings partitions are erased (0xFF). Names and record headers are kept.\n");
        s.append("removed: ").append(r.items().size()).append(" item(s), ").append(r.bytesRemoved()).append(" bytes\n\n");
        s.append(String.format("%-44s | %-20s | %-60s | %-10s | %s%n", "file", "region", "what", "address", "size"));
        for (CaptureRedactor.Item i : r.items()) {
            s.append(String.format("%-44s | %-20s | %-60s | 0x%08x | %d bytes%n", i.file(), i.redaction().area(), i.redaction().what(),
                    i.redaction().address(), i.redaction().size()));
        }
        list(s, "Could not be checked:", r.notChecked());
        list(s, "Notes:", r.notes());
        return s.toString();
    }

    /** The record of a --no-redact bundle: nothing was removed, and why that matters. */
    static String raw(String captureId, String warning) {
        return "What zmk-agent removed from this bundle: nothing (bundled with --no-redact)\ncapture: " + captureId + "\nremoved: 0 items, 0 bytes\n\n"
                + warning + "\n";
    }

    private static void list(StringBuilder s, String title, List<String> lines) {
        s.append('\n').append(title).append('\n');
        if (lines.isEmpty()) {
            s.append("- nothing\n");
        }
        for (String l : lines) {
            s.append("- ").append(l).append('\n');
        }
    }
}
