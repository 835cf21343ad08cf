package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.device.uf2.FlashImage;

/**
 * Checks that an ELF is the firmware a flash image holds, the one comparison behind every identity check (analyze,
 * capture, flash, the firmware registry): every byte the ELF defines in flash (each allocated section's bytes at its
 * load address, so .data's initial values count too) that the image covers must be equal.
 *
 * <p>Only the bytes the ELF defines: Zephyr makes zephyr.bin, .hex and .uf2 with {@code objcopy --gap-fill 0xff}
 * (Zephyr's CMakeLists.txt, CONFIG_BUILD_OUTPUT_BIN/HEX), so the alignment gaps between sections (4 bytes between two
 * read-only iterable sections, 1-byte gaps between the .data images) hold 0xFF on the device, while the ELF's segment
 * holds zeros there. Those bytes are no part of the firmware. One changed byte inside a section is still a mismatch.
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

    /** The bytes the ELF defines in flash, by load address (alignment gaps between sections are not in it). */
    public static FlashImage definedImage(ElfFile elf) {
        FlashImage.Builder b = new FlashImage.Builder();
        for (ElfFile.LoadedBytes s : elf.definedFlashBytes()) {
            b.put(s.loadAddress(), s.data());
        }
        return b.build();
    }

    public static Result check(ElfFile elf, FlashImage flash) {
        return compare(definedImage(elf), flash);
    }

    /**
     * Refuses a build file that is not a build of the ELF ({@code where}: the .uf2 as the user named it), with the
     * one-line reason: none of the ELF's bytes in it, or how many differ and where the first is.
     */
    public static void requireBuildOf(String where, FlashImage build, String elfName, ElfFile elf) {
        Result r = check(elf, build);
        if (r.compared() == 0) {
            throw new FormatException(where + " is not a build of " + elfName + ": it holds none of the ELF's flash bytes");
        }
        if (r.mismatch()) {
            throw new FormatException(String.format("%s is not a build of %s: %d of %d bytes differ, first at 0x%X", where, elfName,
                    r.differing(), r.compared(), r.firstDifference()));
        }
    }

    /** Every byte of {@code expected} that {@code actual} covers, compared; the rest is counted as not covered. */
    public static Result compare(FlashImage expected, FlashImage actual) {
        long compared = 0;
        long differing = 0;
        long first = -1;
        long total = 0;
        for (FlashImage.Run want : expected.runs()) {
            total += want.data().length;
            for (FlashImage.Run have : actual.runs()) {
                long lo = Math.max(want.start(), have.start());
                long hi = Math.min(want.end(), have.end());
                for (long a = lo; a < hi; a++) {
                    compared++;
                    if (want.data()[(int) (a - want.start())] != have.data()[(int) (a - have.start())]) {
                        differing++;
                        if (first < 0) {
                            first = a;
                        }
                    }
                }
            }
        }
        return new Result(compared, differing, first, total - compared);
    }
}
