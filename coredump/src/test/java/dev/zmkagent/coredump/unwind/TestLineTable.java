package dev.zmkagent.coredump.unwind;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only .debug_line reader (DWARF 2–5 line programs) so the unwinder's tests can check file:line against gdb
 * before the real DWARF symbolizer (branch dwarf) is merged. Just enough for GCC's output.
 */
final class TestLineTable {
    record Row(long address, String file, int line, boolean endSequence) {
    }

    private final List<List<Row>> sequences = new ArrayList<>();

    TestLineTable(ElfFile elf) {
        var sec = elf.section(".debug_line");
        if (sec.isEmpty()) {
            return;
        }
        ByteView lineStr = elf.section(".debug_line_str").map(s -> s.data()).orElse(null);
        ByteView str = elf.section(".debug_str").map(s -> s.data()).orElse(null);
        ByteView data = sec.get().data();
        int off = 0;
        while (off < data.length()) {
            ByteCursor c = data.cursor(off);
            long len = c.u32();
            int end = (int) (c.position() + len);
            int version = c.u16();
            if (version >= 5) {
                c.u8();
                c.u8();
            }
            long hlen = c.u32();
            int progStart = (int) (c.position() + hlen);
            int minInst = c.u8();
            if (version >= 4) {
                c.u8();
            }
            c.u8(); // default_is_stmt
            int lineBase = (byte) c.u8();
            int lineRange = c.u8();
            int opcodeBase = c.u8();
            int[] stdLen = new int[opcodeBase];
            for (int i = 1; i < opcodeBase; i++) {
                stdLen[i] = c.u8();
            }
            List<String> files = new ArrayList<>();
            if (version >= 5) {
                readEntries(c, lineStr, str); // directories
                files.addAll(readEntries(c, lineStr, str));
            } else {
                while (!c.cString().isEmpty()) { /* include dirs */ }
                files.add(null); // DWARF < 5 files are 1-based
                while (true) {
                    String f = c.cString();
                    if (f.isEmpty()) {
                        break;
                    }
                    files.add(f);
                    c.uleb128();
                    c.uleb128();
                    c.uleb128();
                }
            }
            c.seek(progStart);
            run(c, end, files, minInst, lineBase, lineRange, opcodeBase, stdLen);
            off = end;
        }
    }

    private static List<String> readEntries(ByteCursor c, ByteView lineStr, ByteView str) {
        int fmtCount = c.u8();
        long[][] fmt = new long[fmtCount][2];
        for (int i = 0; i < fmtCount; i++) {
            fmt[i][0] = c.uleb128();
            fmt[i][1] = c.uleb128();
        }
        long n = c.uleb128();
        List<String> out = new ArrayList<>();
        for (long k = 0; k < n; k++) {
            String name = null;
            for (long[] f : fmt) {
                String v = null;
                switch ((int) f[1]) {
                    case 0x08: v = c.cString(); break;
                    case 0x1f: v = lineStr.cString((int) c.u32()); break;
                    case 0x0e: v = str.cString((int) c.u32()); break;
                    case 0x0f: c.uleb128(); break;
                    case 0x0b: c.u8(); break;
                    case 0x05: c.u16(); break;
                    case 0x06: c.u32(); break;
                    case 0x07: c.u64(); break;
                    case 0x1e: c.skip(16); break;
                    case 0x09: c.skip(c.uleb128()); break;
                    default: throw new IllegalStateException("form " + f[1]);
                }
                if (f[0] == 1) {
                    name = v;
                }
            }
            out.add(name);
        }
        return out;
    }

    private void run(ByteCursor c, int end, List<String> files, int minInst, int lineBase, int lineRange, int opcodeBase, int[] stdLen) {
        long addr = 0;
        int file = 1;
        int line = 1;
        List<Row> seq = new ArrayList<>();
        while (c.position() < end) {
            int op = c.u8();
            if (op >= opcodeBase) {
                int adj = op - opcodeBase;
                addr += (long) (adj / lineRange) * minInst;
                line += lineBase + adj % lineRange;
                seq.add(new Row(addr, name(files, file), line, false));
            } else if (op == 0) {
                long len = c.uleb128();
                int start = c.position();
                int sub = c.u8();
                if (sub == 1) {
                    seq.add(new Row(addr, name(files, file), line, true));
                    sequences.add(seq);
                    seq = new ArrayList<>();
                    addr = 0;
                    file = 1;
                    line = 1;
                } else if (sub == 2) {
                    addr = c.u32();
                }
                c.seek((int) (start + len));
            } else {
                switch (op) {
                    case 1: seq.add(new Row(addr, name(files, file), line, false)); break;
                    case 2: addr += c.uleb128() * minInst; break;
                    case 3: line += (int) c.sleb128(); break;
                    case 4: file = (int) c.uleb128(); break;
                    case 5: c.uleb128(); break;
                    case 8: addr += (long) ((255 - opcodeBase) / lineRange) * minInst; break;
                    case 9: addr += c.u16(); break;
                    default:
                        for (int i = 0; i < stdLen[op]; i++) {
                            c.uleb128();
                        }
                }
            }
        }
    }

    private static String name(List<String> files, int index) {
        String f = index >= 0 && index < files.size() ? files.get(index) : null;
        if (f == null) {
            return null;
        }
        int slash = f.lastIndexOf('/');
        return slash >= 0 ? f.substring(slash + 1) : f;
    }

    /** The row covering {@code addr}: the last row at or below it in a sequence that extends past it. */
    Row find(long addr) {
        for (List<Row> seq : sequences) {
            if (seq.isEmpty() || addr < seq.get(0).address() || addr >= seq.get(seq.size() - 1).address()) {
                continue;
            }
            Row best = null;
            for (Row r : seq) {
                if (r.address() <= addr) {
                    if (best == null || r.address() >= best.address()) {
                        best = r;
                    }
                } else {
                    break;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }
}
