package dev.zmkagent.agent.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a minimal 32-bit ARM ELF: one PT_LOAD segment (.text at {@code base}), FUNC symbols and an optional GNU build
 * ID note, laid out per the ELF spec. Enough for the registry (load bytes, build ID) and the report (function names).
 */
public final class TestElf {
    private final long base;
    private final byte[] text;
    private final Map<String, long[]> functions = new LinkedHashMap<>();
    private byte[] buildId;

    public TestElf(long base, byte[] text) {
        this.base = base;
        this.text = text;
    }

    public TestElf function(String name, long address, long size) {
        functions.put(name, new long[] {address, size});
        return this;
    }

    public TestElf buildId(byte[] id) {
        this.buildId = id;
        return this;
    }

    public byte[] build() {
        ByteArrayOutputStream shstr = new ByteArrayOutputStream();
        shstr.write(0);
        List<int[]> names = new ArrayList<>();
        // sections: 0 null, 1 .text, 2 .note, 3 .symtab, 4 .strtab, 5 .shstrtab
        String[] sn = {".text", ".note.gnu.build-id", ".symtab", ".strtab", ".shstrtab"};
        int[] nameOff = new int[sn.length];
        for (int i = 0; i < sn.length; i++) {
            nameOff[i] = shstr.size();
            shstr.writeBytes(sn[i].getBytes(StandardCharsets.US_ASCII));
            shstr.write(0);
        }
        ByteArrayOutputStream strtab = new ByteArrayOutputStream();
        strtab.write(0);
        ByteBuffer sym = le(16 * (functions.size() + 1));
        sym.position(16);
        for (Map.Entry<String, long[]> f : functions.entrySet()) {
            int off = strtab.size();
            strtab.writeBytes(f.getKey().getBytes(StandardCharsets.US_ASCII));
            strtab.write(0);
            sym.putInt(off).putInt((int) (f.getValue()[0] | 1)).putInt((int) f.getValue()[1]).put((byte) 0x12).put((byte) 0).putShort((short) 1);
        }
        byte[] note = new byte[0];
        if (buildId != null) {
            ByteBuffer n = le(12 + 4 + ((buildId.length + 3) & ~3));
            n.putInt(4).putInt(buildId.length).putInt(3).put("GNU\0".getBytes(StandardCharsets.US_ASCII)).put(buildId);
            note = n.array();
        }
        int textOff = 0x100;
        int noteOff = align(textOff + text.length);
        int symOff = align(noteOff + note.length);
        int strOff = symOff + sym.capacity();
        int shstrOff = align(strOff + strtab.size());
        int shOff = align(shstrOff + shstr.size());
        int total = shOff + 40 * 6;
        ByteBuffer b = le(total);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) 40).putInt(1).putInt((int) (base | 1)).putInt(52).putInt(shOff).putInt(0x05000400)
                .putShort((short) 52).putShort((short) 32).putShort((short) 1).putShort((short) 40).putShort((short) 6).putShort((short) 5);
        // PT_LOAD
        b.putInt(1).putInt(textOff).putInt((int) base).putInt((int) base).putInt(text.length).putInt(text.length).putInt(5).putInt(4);
        b.position(textOff);
        b.put(text);
        b.position(noteOff);
        b.put(note);
        b.position(symOff);
        b.put(sym.array());
        b.position(strOff);
        b.put(strtab.toByteArray());
        b.position(shstrOff);
        b.put(shstr.toByteArray());
        b.position(shOff + 40);
        section(b, nameOff[0], 1, 6, base, textOff, text.length, 0, 0, 4, 0);
        section(b, nameOff[1], buildId == null ? 8 : 7, 2, 0, noteOff, note.length, 0, 0, 4, 0);
        section(b, nameOff[2], 2, 0, 0, symOff, sym.capacity(), 4, 1, 4, 16);
        section(b, nameOff[3], 3, 0, 0, strOff, strtab.size(), 0, 0, 1, 0);
        section(b, nameOff[4], 3, 0, 0, shstrOff, shstr.size(), 0, 0, 1, 0);
        return b.array();
    }

    private static void section(ByteBuffer b, int name, int type, int flags, long addr, int off, int size, int link, int info, int align, int entsize) {
        b.putInt(name).putInt(type).putInt(flags).putInt((int) addr).putInt(off).putInt(size).putInt(link).putInt(info).putInt(align).putInt(entsize);
    }

    private static int align(int n) {
        return (n + 15) & ~15;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
