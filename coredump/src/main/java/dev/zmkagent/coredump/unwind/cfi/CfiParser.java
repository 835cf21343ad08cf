package dev.zmkagent.coredump.unwind.cfi;

import dev.zmkagent.coredump.bytes.ByteCursor;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CIEs and FDEs from .debug_frame (DWARF 2/3/4/5: CIE versions 1, 3, 4; 32- and 64-bit DWARF) and from
 * .eh_frame (CIE id 0, relative CIE pointers, 'z' augmentations with R/P/L/S, DW_EH_PE pointer encodings).
 *
 * <p>Every length is checked against the section before it is used; a malformed entry fails with a
 * {@link FormatException} naming the section offset. The instructions themselves are executed by
 * {@link CfiInterpreter}.
 */
public final class CfiParser {
    public static final String DEBUG_FRAME = ".debug_frame";
    public static final String EH_FRAME = ".eh_frame";

    private final ByteView data;
    private final long sectionAddress;
    private final boolean eh;
    private final Map<Long, Cie> cies = new HashMap<>();

    private CfiParser(ByteView data, long sectionAddress, boolean eh) {
        this.data = data;
        this.sectionAddress = sectionAddress;
        this.eh = eh;
    }

    /** All FDEs of a .debug_frame section. */
    public static List<Fde> parseDebugFrame(ByteView data) {
        return new CfiParser(data, 0, false).parse();
    }

    /** All FDEs of an .eh_frame section loaded at {@code sectionAddress} (needed for pc-relative pointers). */
    public static List<Fde> parseEhFrame(ByteView data, long sectionAddress) {
        return new CfiParser(data, sectionAddress, true).parse();
    }

    private List<Fde> parse() {
        List<Fde> fdes = new ArrayList<>();
        int offset = 0;
        while (offset < data.length()) {
            ByteCursor c = data.cursor(offset);
            long length = c.u32();
            boolean dwarf64 = false;
            if (length == 0xFFFF_FFFFL) {
                length = c.u64();
                dwarf64 = true;
            }
            if (length == 0) {
                if (eh) {
                    break; // .eh_frame terminator
                }
                offset = c.position();
                continue;
            }
            int bodyStart = c.position();
            data.require(bodyStart, length, (eh ? EH_FRAME : DEBUG_FRAME) + " entry");
            int next = (int) (bodyStart + length);
            ByteView body = data.slice(bodyStart, length);
            ByteCursor b = body.cursor();
            long id = dwarf64 ? b.u64() : b.u32();
            boolean isCie = eh ? id == 0 : (dwarf64 ? id == -1L : id == 0xFFFF_FFFFL);
            if (isCie) {
                cieAt(offset);
            } else {
                long cieOffset = eh ? bodyStart - id : id;
                Cie cie = cieAt(cieOffset);
                Fde fde = parseFde(cie, body, b, offset);
                if (fde != null) {
                    fdes.add(fde);
                }
            }
            offset = next;
        }
        return fdes;
    }

    private Cie cieAt(long offset) {
        Cie known = cies.get(offset);
        if (known != null) {
            return known;
        }
        if (offset < 0 || offset >= data.length()) {
            throw new FormatException((eh ? EH_FRAME : DEBUG_FRAME) + " FDE points at a CIE outside the section", offset);
        }
        ByteCursor c = data.cursor((int) offset);
        long length = c.u32();
        boolean dwarf64 = false;
        if (length == 0xFFFF_FFFFL) {
            length = c.u64();
            dwarf64 = true;
        }
        ByteView body = data.slice(c.position(), length);
        ByteCursor b = body.cursor();
        long id = dwarf64 ? b.u64() : b.u32();
        boolean isCie = eh ? id == 0 : (dwarf64 ? id == -1L : id == 0xFFFF_FFFFL);
        if (!isCie) {
            throw new FormatException("FDE's CIE pointer does not point at a CIE", offset);
        }
        int version = b.u8();
        if (eh ? version != 1 && version != 3 : version != 1 && version != 3 && version != 4) {
            throw new FormatException("unsupported CIE version " + version, offset);
        }
        String aug = b.cString();
        int addressSize = 4;
        if (version >= 4) {
            addressSize = b.u8();
            int segmentSize = b.u8();
            if (addressSize != 4 && addressSize != 8 || segmentSize != 0) {
                throw new FormatException("CIE address size " + addressSize + " / segment size " + segmentSize
                        + " is not a 32-bit ARM layout", offset);
            }
        }
        if (aug.contains("eh")) {
            b.skip(addressSize); // old GCC "eh" augmentation: a pointer to exception data
        }
        long codeAlign = b.uleb128();
        long dataAlign = b.sleb128();
        int raReg = version == 1 ? b.u8() : (int) b.uleb128();
        int fdeEncoding = 0;
        boolean signal = false;
        boolean z = aug.startsWith("z");
        if (z) {
            long augLen = b.uleb128();
            int augEnd = (int) (b.position() + augLen);
            body.require(b.position(), augLen, "CIE augmentation data");
            for (int i = 1; i < aug.length(); i++) {
                char ch = aug.charAt(i);
                if (ch == 'R') {
                    fdeEncoding = b.u8();
                } else if (ch == 'P') {
                    int enc = b.u8();
                    readEncoded(b, enc, addressSize, body);
                } else if (ch == 'L') {
                    b.u8();
                } else if (ch == 'S') {
                    signal = true;
                } else {
                    break; // unknown letter: the length lets us skip the rest
                }
            }
            b.seek(augEnd);
        } else if (!aug.isEmpty() && !aug.equals("eh")) {
            throw new FormatException("CIE augmentation \"" + aug + "\" is not understood", offset);
        }
        ByteView instructions = body.from(b.position());
        Cie cie = new Cie(offset, version, aug, addressSize, codeAlign, dataAlign, raReg, fdeEncoding, z, signal, instructions);
        cies.put(offset, cie);
        return cie;
    }

    private Fde parseFde(Cie cie, ByteView body, ByteCursor b, long offset) {
        long start;
        long range;
        if (eh) {
            start = readEncoded(b, cie.fdeEncoding(), cie.addressSize(), body);
            range = readEncoded(b, cie.fdeEncoding() & 0x0F, cie.addressSize(), body);
        } else {
            start = b.unsigned(cie.addressSize());
            range = b.unsigned(cie.addressSize());
        }
        if (cie.hasAugmentationData()) {
            long augLen = b.uleb128();
            b.skip(augLen);
        }
        ByteView instructions = body.from(b.position());
        start &= 0xFFFF_FFFFL;
        return new Fde(cie, start, start + (range & 0xFFFF_FFFFL), instructions, offset, eh ? EH_FRAME : DEBUG_FRAME);
    }

    /** A DW_EH_PE-encoded pointer; pc-relative values are resolved against the section address. */
    private long readEncoded(ByteCursor b, int encoding, int addressSize, ByteView body) {
        if (encoding == 0xFF) {
            return 0;
        }
        long fieldAddress = sectionAddress + (b.absolutePosition() - data.origin());
        long v;
        switch (encoding & 0x0F) {
            case 0x00: v = b.unsigned(addressSize); break;
            case 0x01: v = b.uleb128(); break;
            case 0x02: v = b.u16(); break;
            case 0x03: v = b.u32(); break;
            case 0x04: v = b.u64(); break;
            case 0x09: v = b.sleb128(); break;
            case 0x0A: v = (short) b.u16(); break;
            case 0x0B: v = b.s32(); break;
            case 0x0C: v = b.u64(); break;
            default: throw new FormatException(String.format("unsupported pointer encoding 0x%02x", encoding), b.absolutePosition());
        }
        switch (encoding & 0x70) {
            case 0x00: return v;
            case 0x10: return fieldAddress + v;
            default: throw new FormatException(String.format("unsupported pointer application 0x%02x", encoding & 0x70), b.absolutePosition());
        }
    }
}
