package dev.zmkagent.coredump.elf;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.OptionalInt;

/**
 * The build attributes the ARM toolchain records in {@code .ARM.attributes} (ARM IHI 0045, "Addenda to, and Errata
 * in, the ABI for the Arm Architecture", build attributes): a format byte 'A', then vendor subsections (length,
 * NUL-terminated vendor name, then tagged sub-subsections). Only the public "aeabi" File attributes are read, and of
 * them only {@code Tag_CPU_arch} (6), the architecture the whole image was built for.
 *
 * <p>Anything malformed gives an empty answer, never an exception: a missing or odd attributes section only means the
 * architecture is not known from the ELF.
 */
public final class ArmAttributes {
    public static final int TAG_CPU_ARCH = 6;
    private static final int TAG_FILE = 1;

    private ArmAttributes() {
    }

    /** {@code Tag_CPU_arch} of the ELF's File attributes (e.g. 13 = v7E-M, 17 = v8-M.mainline), if recorded. */
    public static OptionalInt cpuArch(ElfFile elf) {
        return elf.section(".ARM.attributes").filter(ElfSection::hasFileData).map(s -> cpuArch(s.data())).orElse(OptionalInt.empty());
    }

    static OptionalInt cpuArch(ByteView b) {
        int n = b.length();
        if (n < 1 || b.u8(0) != 'A') {
            return OptionalInt.empty();
        }
        int pos = 1;
        while (pos + 4 <= n) {
            long len = b.u32(pos);
            if (len < 5 || pos + len > n) {
                return OptionalInt.empty();
            }
            int end = (int) (pos + len);
            int nameEnd = pos + 4;
            while (nameEnd < end && b.u8(nameEnd) != 0) {
                nameEnd++;
            }
            if (nameEnd >= end) {
                return OptionalInt.empty();
            }
            if (b.ascii(pos + 4, nameEnd - pos - 4).equals("aeabi")) {
                return fileCpuArch(b, nameEnd + 1, end);
            }
            pos = end;
        }
        return OptionalInt.empty();
    }

    /** Walks the sub-subsections of the "aeabi" subsection in [pos, end) for Tag_File's Tag_CPU_arch. */
    private static OptionalInt fileCpuArch(ByteView b, int pos, int end) {
        while (pos + 5 <= end) {
            int tag = b.u8(pos);
            long size = b.u32(pos + 1);
            if (size < 5 || pos + size > end) {
                return OptionalInt.empty();
            }
            int subEnd = (int) (pos + size);
            if (tag == TAG_FILE) {
                int[] at = {pos + 5};
                while (at[0] < subEnd) {
                    long attr = uleb(b, at, subEnd);
                    if (attr < 0) {
                        return OptionalInt.empty();
                    }
                    if (attr == TAG_CPU_ARCH) {
                        long v = uleb(b, at, subEnd);
                        return v < 0 || v > 255 ? OptionalInt.empty() : OptionalInt.of((int) v);
                    }
                    if (!skipValue(b, attr, at, subEnd)) {
                        return OptionalInt.empty();
                    }
                }
            }
            pos = subEnd;
        }
        return OptionalInt.empty();
    }

    /**
     * Skips one attribute's value. Tag_CPU_raw_name (4), Tag_CPU_name (5) and Tag_conformance (67) are NUL-terminated
     * strings, Tag_compatibility (32) a number and a string; other tags below 32 are numbers, and above 32 the
     * convention holds: even tags take a number, odd tags a string.
     */
    private static boolean skipValue(ByteView b, long tag, int[] at, int end) {
        boolean string = tag == 4 || tag == 5 || tag == 67 || (tag > 32 && (tag & 1) == 1);
        if (tag == 32) {
            if (uleb(b, at, end) < 0) {
                return false;
            }
            string = true;
        }
        if (!string) {
            return uleb(b, at, end) >= 0;
        }
        while (at[0] < end && b.u8(at[0]) != 0) {
            at[0]++;
        }
        if (at[0] >= end) {
            return false;
        }
        at[0]++;
        return true;
    }

    /** An unsigned LEB128 number at at[0] (advanced past it); -1 when it runs past end or is too long. */
    private static long uleb(ByteView b, int[] at, int end) {
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (at[0] >= end) {
                return -1;
            }
            int x = b.u8(at[0]++);
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        return -1;
    }
}
