package dev.zmkagent.coredump.redact;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.coredump.format.ZephyrDump;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Blanks key material in a stored coredump partition ('CD' header + 'ZE' stream) and keeps it readable: the bytes of
 * each {@link KeyObjects.Target} that the dump's memory blocks hold are replaced by {@link Redaction#PATTERN}; then the
 * header's 16-bit sum and a 'C' block's CRC-32 are recomputed, but only where they matched before (a dump whose
 * checksum already failed — every truncated LINKER_RAM dump — must still say so). Block headers, the arch block and the
 * threads metadata are never touched, so registers, threads and backtraces read the same.
 */
public final class DumpRedactor {
    private DumpRedactor() {
    }

    public record Result(byte[] partition, List<Redaction> redactions, List<String> notes) {
    }

    public static Result redact(byte[] partition, KeyObjects keys) {
        byte[] out = partition.clone();
        StoredDump stored = StoredDump.read(ByteView.of(partition));
        List<Redaction> done = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (stored.dump().isEmpty()) {
            return unreadable(partition);
        }
        ZephyrDump dump = stored.dump().get();
        List<String> absent = new ArrayList<>();
        for (KeyObjects.Target t : keys.targets()) {
            long inDump = 0;
            for (MemoryBlock b : dump.memory()) {
                long from = Math.max(t.address(), b.start());
                long to = Math.min(t.address() + t.size(), b.storedEnd());
                if (from >= to) {
                    continue;
                }
                int at = (int) (b.data().origin() + (from - b.start()));
                Redaction.fill(out, at, (int) (to - from));
                inDump += to - from;
            }
            if (inDump == 0) {
                absent.add(t.what());
            } else {
                done.add(new Redaction("coredump RAM", t.what() + (inDump < t.size() ? " (" + inDump + " of " + t.size() + " bytes in the dump)" : ""),
                        t.address(), inDump));
            }
        }
        // Partition bytes the parser never read (after an unknown block id or a cut header, behind the CRC trailer, past
        // the stream's end) can be RAM whose keys no type locates; the analysis does not read them either, so they go
        // (erased, as flash reads). Zephyr erases the whole partition before a dump, so a sound one has none.
        int unreadFrom = FlashHeader.STREAM_OFFSET + (int) dump.readLength();
        int unreadTo = out.length;
        int firstData = firstNotErased(out, unreadFrom, unreadTo);
        if (firstData >= 0) {
            java.util.Arrays.fill(out, firstData, unreadTo, (byte) 0xFF);
            done.add(new Redaction("coredump partition", String.format("stream bytes not read as blocks, from partition offset 0x%x (erased to 0xFF)",
                    firstData), firstData, unreadTo - firstData));
            notes.add(String.format("The stream was read as blocks up to partition offset 0x%x; the %d bytes after it that are not erased could hold RAM"
                    + " and were erased.", unreadFrom, unreadTo - firstData));
        }
        if (!absent.isEmpty()) {
            notes.add("Not in the dump (outside its memory blocks, nothing to remove): " + String.join(", ", absent) + ".");
        }
        repairChecksums(partition, out, stored, dump, notes);
        return new Result(out, List.copyOf(done), notes);
    }

    /**
     * No dump could be read: an erased partition holds nothing, but anything else (a stream whose start was damaged, a
     * header in an unknown state, an interrupted write whose header is still erased) may hold RAM, keys included, that
     * cannot be located. Everything after the header is blanked; the header stays, so the partition is judged as before
     * (it must not turn into "erased", which reads as a hang).
     */
    private static Result unreadable(byte[] partition) {
        if (firstNotErased(partition, 0, partition.length) < 0) {
            return new Result(partition.clone(), List.of(), List.of("The coredump partition is erased: nothing to redact in it."));
        }
        byte[] out = partition.clone();
        int from = Math.min(FlashHeader.LENGTH, out.length);
        Redaction.fill(out, from, out.length - from);
        return new Result(out, List.of(new Redaction("coredump partition", "everything after the 'CD' header (no dump could be read,"
                + " so the key objects in it could not be located)", from, out.length - from)),
                List.of("The coredump partition holds bytes but no readable dump: everything after its header was blanked."));
    }

    private static int firstNotErased(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != (byte) 0xFF) {
                return i;
            }
        }
        return -1;
    }

    private static void repairChecksums(byte[] before, byte[] out, StoredDump stored, ZephyrDump dump, List<String> notes) {
        int streamAt = FlashHeader.STREAM_OFFSET;
        if (stored.header().isPresent() && stored.checksumOk().isPresent()) {
            FlashHeader h = stored.header().get();
            if (stored.checksumOk().get()) {
                int sum = FlashHeader.sum16(ByteView.of(out).slice(streamAt, h.size()));
                out[FlashHeader.CHECKSUM_OFFSET] = (byte) sum;
                out[FlashHeader.CHECKSUM_OFFSET + 1] = (byte) (sum >>> 8);
                notes.add("The 'CD' header's checksum was recomputed over the redacted stream (it matched before).");
            } else {
                notes.add("The 'CD' header's checksum did not match before redaction (the dump is truncated or damaged); it was left as it was.");
            }
        }
        if (dump.crcOk().isPresent()) {
            int c = streamAt + (int) dump.streamLength() - 7;
            if (dump.crcOk().get() && c >= streamAt && before[c] == 'C') {
                CRC32 crc = new CRC32();
                crc.update(out, streamAt, c - streamAt);
                long v = crc.getValue();
                for (int i = 0; i < 4; i++) {
                    out[c + 3 + i] = (byte) (v >>> (8 * i));
                }
                notes.add("The stream's CRC-32 block was recomputed (it matched before).");
            }
        }
    }
}
