package dev.zmkagent.device.uf2;

import dev.zmkagent.coredump.bytes.ByteView;

/**
 * Replaces flash bytes inside a UF2 file's payloads, leaving every block header (magics, addresses, numbering, family)
 * as it was: the patched file is the same UF2 describing different flash contents. UF2 blocks carry no checksum, so
 * nothing else needs fixing. Used to put a redacted partition back into a CURRENT.UF2.
 */
public final class Uf2Patcher {
    private Uf2Patcher() {
    }

    /** A copy of {@code uf2} whose main-flash payloads at [address, address + data.length) hold {@code data}; returns bytes patched via {@link Patched}. */
    public static Patched patch(byte[] uf2, long address, byte[] data) {
        byte[] out = uf2.clone();
        long end = address + data.length;
        long patched = 0;
        for (Uf2Block b : Uf2File.parse(ByteView.of(uf2)).blocks()) {
            if (!b.isFlash()) {
                continue;
            }
            long from = Math.max(address, b.targetAddress());
            long to = Math.min(end, b.targetAddress() + b.payloadSize());
            if (from >= to) {
                continue;
            }
            int fileAt = (int) (b.fileOffset() + 32 + (from - b.targetAddress()));
            System.arraycopy(data, (int) (from - address), out, fileAt, (int) (to - from));
            patched += to - from;
        }
        return new Patched(out, patched);
    }

    /** The patched file and how many flash bytes of the range it covered (less than the range when the file does not reach all of it). */
    public record Patched(byte[] uf2, long bytesPatched) {
    }
}
