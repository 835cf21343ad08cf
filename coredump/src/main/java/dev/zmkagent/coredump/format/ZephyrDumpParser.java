package dev.zmkagent.coredump.format;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Reads a 'ZE' coredump stream: a 12-byte header, then blocks until the stream ends.
 * <pre>
 * header: 'Z','E', u16 version, u16 target code, u8 log2(pointer bits), u8 flags, u32 reason
 * 'A'   : u16 version, u16 length, payload (Cortex-M registers)
 * 'M'   : u16 version (1), u32 start, u32 end (exclusive), end-start bytes
 * 'T'   : u16 version, u16 length, the bytes of the kernel's _kernel struct
 * 'F'   : u16 version, u16 length, u32 cpu id, u32 thread pointer, payload   (newer than Zephyr 4.1)
 * 'C'   : u16 version, u32 CRC-32/IEEE of every stream byte before this block (newer than Zephyr 4.1)
 * </pre>
 * A stream that stops inside a block is a truncated dump, not an error: the complete part is kept and the cut-off
 * memory block keeps what was stored. An unknown block ends parsing with a warning.
 */
public final class ZephyrDumpParser {
    public static final int HEADER_LENGTH = 12;
    private static final int MAX_KNOWN_VERSION = 2;

    private ZephyrDumpParser() {
    }

    public static boolean looksLikeStream(ByteView b) {
        return b.has(0, HEADER_LENGTH) && b.u8(0) == 'Z' && b.u8(1) == 'E';
    }

    public static ZephyrDump parse(ByteView stream) {
        if (!stream.has(0, 2) || stream.u8(0) != 'Z' || stream.u8(1) != 'E') {
            throw new FormatException("not a Zephyr coredump: expected the 'ZE' stream header", stream.origin());
        }
        if (!stream.has(0, HEADER_LENGTH)) {
            throw new FormatException("Zephyr coredump header is cut off after " + stream.length() + " of 12 bytes", stream.origin());
        }
        List<String> warnings = new ArrayList<>();
        int version = stream.u16(2);
        int target = stream.u16(4);
        int ptrBits = stream.u8(6);
        int flags = stream.u8(7);
        int reason = stream.s32(8);
        if (version == 0 || version > MAX_KNOWN_VERSION) {
            warnings.add("coredump header version " + version + " is newer than the versions this tool knows (1, 2); reading it as version 2");
        }
        if (target != ZephyrDump.TARGET_ARM_CORTEX_M) {
            throw new FormatException("coredump is for " + targetName(target) + " (target code " + target
                    + "); only ARM Cortex-M (3) is supported yet", stream.origin() + 4);
        }
        if (ptrBits != 5) {
            throw new FormatException("coredump pointer size is 2^" + ptrBits + " bits; only 32-bit Cortex-M dumps are supported", stream.origin() + 6);
        }

        Optional<ArchBlock> arch = Optional.empty();
        List<MemoryBlock> memory = new ArrayList<>();
        byte[] threads = null;
        int threadsVersion = 0;
        Optional<Boolean> crcOk = Optional.empty();
        boolean truncated = false;
        int pos = HEADER_LENGTH;
        int len = stream.length();
        blocks:
        while (pos < len) {
            int id = stream.u8(pos);
            int recovered = oneBitAway(stream, pos, id);
            if (recovered != id) {
                warnings.add(String.format("block id 0x%02x at stream offset %d is one bit away from '%c' and what follows is a valid '%c' block:"
                        + " read as '%c' (a flipped bit: the dump is corrupt)", id, pos, (char) recovered, (char) recovered, (char) recovered));
                id = recovered;
            }
            switch (id) {
                case 'A': {
                    if (!stream.has(pos, 5)) {
                        truncated = cut(warnings, "architecture block header", pos);
                        break blocks;
                    }
                    int ver = stream.u16(pos + 1);
                    int n = stream.u16(pos + 3);
                    if (!stream.has(pos + 5, n)) {
                        truncated = cut(warnings, "architecture block", pos);
                        break blocks;
                    }
                    if (arch.isPresent()) {
                        warnings.add("a second architecture block at stream offset " + pos + " was ignored");
                    } else {
                        arch = Optional.of(readArch(stream.slice(pos + 5, n), ver, warnings));
                    }
                    pos += 5 + n;
                    break;
                }
                case 'M': {
                    if (!stream.has(pos, 11)) {
                        truncated = cut(warnings, "memory block header", pos);
                        break blocks;
                    }
                    int ver = stream.u16(pos + 1);
                    long start = stream.u32(pos + 3);
                    long end = stream.u32(pos + 7);
                    if (ver != 1) {
                        warnings.add("memory block version " + ver + " at stream offset " + pos + " is unknown; parsing stopped there");
                        break blocks;
                    }
                    if (end < start) {
                        warnings.add(String.format("memory block at stream offset %d ends (0x%08x) before it starts (0x%08x); parsing stopped there", pos, end, start));
                        break blocks;
                    }
                    long want = end - start;
                    int dataAt = pos + 11;
                    if (!stream.has(dataAt, want)) {
                        int have = len - dataAt;
                        memory.add(new MemoryBlock(start, end, stream.slice(dataAt, have), true, stream.origin() + pos));
                        truncated = true;
                        warnings.add(String.format("memory block 0x%08x-0x%08x is cut off after %d of %d bytes: the dump was truncated", start, end, have, want));
                        pos = len;                      // its bytes, to the stream's end, were read as the block's
                        break blocks;
                    }
                    memory.add(new MemoryBlock(start, end, stream.slice(dataAt, want), false, stream.origin() + pos));
                    pos = dataAt + (int) want;
                    break;
                }
                case 'T': {
                    if (!stream.has(pos, 5)) {
                        truncated = cut(warnings, "threads metadata header", pos);
                        break blocks;
                    }
                    int ver = stream.u16(pos + 1);
                    int n = stream.u16(pos + 3);
                    if (!stream.has(pos + 5, n)) {
                        truncated = cut(warnings, "threads metadata block", pos);
                        break blocks;
                    }
                    threads = stream.slice(pos + 5, n).toArray();
                    threadsVersion = ver;
                    pos += 5 + n;
                    break;
                }
                case 'F': {
                    if (!stream.has(pos, 13)) {
                        truncated = cut(warnings, "CPU snapshot header", pos);
                        break blocks;
                    }
                    int n = stream.u16(pos + 3);
                    if (!stream.has(pos + 13, n)) {
                        truncated = cut(warnings, "CPU snapshot block", pos);
                        break blocks;
                    }
                    warnings.add("CPU snapshot block for CPU " + stream.u32(pos + 5) + " skipped (multi-core snapshots are not analyzed)");
                    pos += 13 + n;
                    break;
                }
                case 'C': {
                    if (!stream.has(pos, 7)) {
                        truncated = cut(warnings, "CRC block", pos);
                        break blocks;
                    }
                    long expected = stream.u32(pos + 3);
                    CRC32 crc = new CRC32();
                    crc.update(stream.slice(0, pos).toArray());
                    boolean ok = crc.getValue() == expected;
                    crcOk = Optional.of(ok);
                    if (!ok) {
                        warnings.add(String.format("CRC-32 trailer 0x%08x does not match the stream (0x%08x): the dump is corrupt", expected, crc.getValue()));
                    }
                    pos += 7;
                    if (pos < len) {
                        warnings.add((len - pos) + " bytes after the CRC trailer were ignored");
                    }
                    break blocks;
                }
                default:
                    warnings.add(String.format("unknown block id 0x%02x%s at stream offset %d: parsing stopped there",
                            id, id >= 0x20 && id < 0x7F ? " ('" + (char) id + "')" : "", pos));
                    break blocks;
            }
        }
        if ((flags & ZephyrDump.FLAG_CRC) != 0 && crcOk.isEmpty() && !truncated) {
            warnings.add("the header says a CRC trailer follows, but the stream has none");
        }
        if (arch.isEmpty()) {
            warnings.add("the dump has no architecture block: no registers are known");
        }
        return new ZephyrDump(version, target, ptrBits, flags, reason, arch, List.copyOf(memory),
                Optional.ofNullable(threads), threadsVersion, crcOk, truncated, len, pos, List.copyOf(warnings));
    }

    /**
     * A dump whose checksum fails may carry a flipped bit (flash wear, a partial erase). When an unknown id byte is
     * one bit away from 'A', 'M' or 'T' and the bytes after it form a plausible block of that kind that fits the
     * stream, read it as that block instead of giving up on everything after it. Returns {@code id} unchanged
     * otherwise.
     */
    private static int oneBitAway(ByteView s, int pos, int id) {
        if (id == 'A' || id == 'M' || id == 'T' || id == 'F' || id == 'C') {
            return id;
        }
        if (Integer.bitCount(id ^ 'M') == 1 && s.has(pos, 11) && s.u16(pos + 1) == 1) {
            long start = s.u32(pos + 3);
            long end = s.u32(pos + 7);
            if (start < end && s.has(pos + 11, end - start)) {
                return 'M';
            }
        }
        if (Integer.bitCount(id ^ 'A') == 1 && s.has(pos, 5)) {
            int ver = s.u16(pos + 1);
            int n = s.u16(pos + 3);
            if ((ver == 1 && n == 36 || ver == 2 && n == 68 || ver == 3 && n == 76) && s.has(pos + 5, n)) {
                return 'A';
            }
        }
        if (Integer.bitCount(id ^ 'T') == 1 && s.has(pos, 5) && s.u16(pos + 1) == 1) {
            int n = s.u16(pos + 3);
            if (n > 0 && n <= 1024 && s.has(pos + 5, n)) {
                return 'T';
            }
        }
        return id;
    }

    private static boolean cut(List<String> warnings, String what, int pos) {
        warnings.add("the " + what + " at stream offset " + pos + " is cut off: the dump was truncated");
        return true;
    }

    private static ArchBlock readArch(ByteView payload, int version, List<String> warnings) {
        int expected = version == 1 ? 36 : version == 2 ? 68 : version == 3 ? 76 : -1;
        if (expected < 0) {
            warnings.add("Cortex-M architecture block version " + version + " is unknown; reading the registers of version 2");
        } else if (payload.length() != expected) {
            warnings.add("Cortex-M architecture block version " + version + " is " + payload.length() + " bytes, expected " + expected);
        }
        long[] regs = new long[ArchBlock.COUNT];
        // Stored order: r0, r1, r2, r3, r12, lr, pc, xpsr, sp, then r4..r11.
        int[] order = {0, 1, 2, 3, ArchBlock.R12, ArchBlock.LR, ArchBlock.PC, ArchBlock.XPSR, ArchBlock.SP, 4, 5, 6, 7, 8, 9, 10, 11};
        int words = Math.min(order.length, payload.length() / 4);
        if (words < 9) {
            warnings.add("Cortex-M architecture block holds only " + words + " of 9 basic registers");
        }
        for (int i = 0; i < words; i++) {
            regs[order[i]] = payload.u32(i * 4);
        }
        boolean calleeKnown;
        long calleeOffset = -1;
        if (version >= 3 && payload.has(68, 8)) {
            calleeKnown = payload.u32(68) != 0;
            calleeOffset = payload.u32(72);
        } else if (words >= 17) {
            boolean anyNonZero = false;
            for (int r = 4; r <= 11; r++) {
                anyNonZero |= regs[r] != 0;
            }
            calleeKnown = anyNonZero;
        } else {
            calleeKnown = false;
        }
        return new ArchBlock(version, regs, calleeKnown, calleeOffset, words);
    }

    static String targetName(int code) {
        switch (code) {
            case 0: return "an unknown target";
            case 1: return "x86";
            case 2: return "x86-64";
            case 3: return "ARM Cortex-M";
            case 4: return "RISC-V";
            case 5: return "Xtensa";
            case 6: return "ARM64";
            default: return "an unknown target";
        }
    }
}
