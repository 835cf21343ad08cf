package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSegment;
import dev.zmkagent.device.uf2.FlashImage;

/**
 * Checks that an ELF is the firmware the flash image holds: every loadable byte (at its load address, so .data's
 * initial values count too) that the image covers must be equal. A mismatch means every symbol in the report
 * would be wrong.
 */
public final class ElfIdentityCheck {
    private ElfIdentityCheck() {
    }

    public record Result(long compared, long differing, long firstDifference, long notCovered) {
        public boolean mismatch() {
            return differing > 0;
        }

        public String describe() {
            if (compared == 0) {
                return "the input holds none of the ELF's flash bytes, so the ELF could not be checked against it";
            }
            if (differing > 0) {
                return String.format("the ELF does NOT match the firmware on the device: %d of %d bytes differ, first at 0x%08x."
                        + " Every function and line below may be wrong; use the zmk.elf of the exact build that is flashed.",
                        differing, compared, firstDifference);
            }
            return String.format("the ELF matches the firmware on the device (%d bytes compared%s)", compared,
                    notCovered > 0 ? String.format(", %d not in the input", notCovered) : "");
        }
    }

    public static Result check(ElfFile elf, FlashImage flash) {
        long compared = 0;
        long differing = 0;
        long first = -1;
        long notCovered = 0;
        for (ElfSegment seg : elf.loadSegments()) {
            if (seg.fileSize() == 0) {
                continue;
            }
            ByteView data = seg.data();
            long start = seg.physicalAddress();
            for (FlashImage.Run run : flash.runs()) {
                long lo = Math.max(start, run.start());
                long hi = Math.min(start + seg.fileSize(), run.end());
                if (lo >= hi) {
                    continue;
                }
                byte[] r = run.data();
                for (long a = lo; a < hi; a++) {
                    compared++;
                    if ((byte) data.u8((int) (a - start)) != r[(int) (a - run.start())]) {
                        differing++;
                        if (first < 0) {
                            first = a;
                        }
                    }
                }
            }
        }
        long total = 0;
        for (ElfSegment seg : elf.loadSegments()) {
            total += seg.fileSize();
        }
        notCovered = total - compared;
        return new Result(compared, differing, first, notCovered);
    }
}
