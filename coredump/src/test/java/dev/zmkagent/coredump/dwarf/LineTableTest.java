package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Line-program rules on hand-made bytes: opcodes the compiled test ELFs do not exercise, and broken input. */
class LineTableTest {
    private static final ByteView NONE = DwarfSections.EMPTY;

    private static DwarfSections lineOnly(ByteView line) {
        return new DwarfSections(NONE, NONE, line, NONE, NONE, NONE, NONE, NONE, NONE, NONE);
    }

    /** Version 4 header: min_inst 2, line_base -5, line_range 14, opcode_base 13; dirs {src}; files {a.c in src, b.h}. */
    static Bytes v4Program() {
        Bytes header = new Bytes().u8(2, 1, 1).u8(-5 & 0xFF, 14, 13).u8(0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1)
                .str("src").u8(0)
                .str("a.c").uleb(1).uleb(0).uleb(0)
                .str("b.h").uleb(0).uleb(0).uleb(0)
                .u8(0);
        Bytes program = new Bytes()
                .u8(0).uleb(5).u8(Dw.LNE_SET_ADDRESS).u32(0x2000)
                .u8(13 + 7)                       // special: +0 ops, line 1 -> 3
                .u8(Dw.LNS_NEGATE_STMT)
                .u8(13 + 8)                       // special: +0 ops, line 3 -> 6, not a statement
                .u8(Dw.LNS_NEGATE_STMT)
                .u8(13 + 17)                      // special: +1 op (2 bytes), line 6 -> 4
                .u8(Dw.LNS_CONST_ADD_PC)          // +17 ops = 34 bytes: 0x2024
                .u8(Dw.LNS_NEGATE_STMT)
                .u8(Dw.LNS_COPY)                  // 0x2024 line 4, not a statement
                .u8(Dw.LNS_FIXED_ADVANCE_PC).u16(6) // 0x202a
                .u8(Dw.LNS_SET_FILE).uleb(2)
                .u8(Dw.LNS_ADVANCE_LINE).sleb(6)  // line 10
                .u8(Dw.LNS_NEGATE_STMT)
                .u8(Dw.LNS_COPY)                  // 0x202a b.h:10
                .u8(Dw.LNS_SET_COLUMN).uleb(7)
                .u8(Dw.LNS_ADVANCE_PC).uleb(3)    // 0x2030
                .u8(0).uleb(1).u8(Dw.LNE_END_SEQUENCE);
        Bytes body = new Bytes().u16(4).u32(header.size()).bytes(header.toArray()).bytes(program.toArray());
        return Bytes.withLength(body);
    }

    private static LineTable parse(Bytes b) {
        return LineTable.parse(lineOnly(b.view()), 0, 4, null);
    }

    @Test
    void specialConstAddAndFixedAdvanceOpcodesMoveAddressAndLine() {
        LineTable t = parse(v4Program());
        assertEquals(3, t.lookup(0x2001).line());
        assertEquals("src/a.c", t.lookup(0x2001).file());
        assertEquals(4, t.lookup(0x2002).line());
        assertEquals(0x2024, t.lookup(0x2024).address());
        assertEquals(4, t.lookup(0x2029).line());
        assertEquals("b.h", t.lookup(0x202a).file());
        assertEquals(10, t.lookup(0x202f).line());
    }

    @Test
    void aStatementRowWinsOverANonStatementRowAtTheSameAddress() {
        LineTable.Row r = parse(v4Program()).lookup(0x2000);
        assertEquals(3, r.line());
        assertTrue(r.isStmt());
    }

    @Test
    void aNonStatementRowIsUsedWhenItIsTheOnlyRowAtItsAddress() {
        LineTable.Row r = parse(v4Program()).lookup(0x2026);
        assertEquals(4, r.line());
        assertEquals(0x2024, r.address());
        assertEquals(false, r.isStmt());
    }

    @Test
    void endSequenceAndAddressesBeforeTheFirstRowHaveNoLine() {
        LineTable t = parse(v4Program());
        assertNull(t.lookup(0x2030));
        assertNull(t.lookup(0x1fff));
    }

    @Test
    void dwarf4FileIndicesAreOneBased() {
        LineTable t = parse(v4Program());
        assertEquals("src/a.c", t.fileName(1).name());
        assertEquals("b.h", t.fileName(2).name());
        assertNull(t.fileName(0));
        assertNull(t.fileName(3));
    }

    /** Version 5 header: directory and file entry formats, line_strp paths, an MD5 column, file 0 = primary file. */
    @Test
    void dwarf5HeaderWithEntryFormatsAndZeroBasedFiles() {
        Bytes lineStr = new Bytes().str("/build").str("inc").str("main.c").str("helper.h");
        Bytes header = new Bytes().u8(2, 1, 1).u8(-5 & 0xFF, 14, 13).u8(0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1)
                .u8(1).uleb(Dw.LNCT_PATH).uleb(Dw.FORM_LINE_STRP)
                .uleb(2).u32(0).u32(7)
                .u8(3).uleb(Dw.LNCT_PATH).uleb(Dw.FORM_LINE_STRP).uleb(Dw.LNCT_DIRECTORY_INDEX).uleb(Dw.FORM_UDATA)
                .uleb(Dw.LNCT_MD5).uleb(Dw.FORM_DATA16)
                .uleb(2)
                .u32(11).uleb(0).bytes(new byte[16])
                .u32(18).uleb(1).bytes(new byte[16]);
        Bytes program = new Bytes()
                .u8(0).uleb(5).u8(Dw.LNE_SET_ADDRESS).u32(0x3000)
                .u8(Dw.LNS_SET_FILE).uleb(0)
                .u8(Dw.LNS_COPY)
                .u8(Dw.LNS_SET_FILE).uleb(1)
                .u8(13 + 5 + 2 * 14)              // +2 ops, line 1 -> 1
                .u8(Dw.LNS_ADVANCE_PC).uleb(2)
                .u8(0).uleb(1).u8(Dw.LNE_END_SEQUENCE);
        Bytes body = new Bytes().u16(5).u8(4, 0).u32(header.size()).bytes(header.toArray()).bytes(program.toArray());
        DwarfSections s = new DwarfSections(NONE, NONE, Bytes.withLength(body).view(), NONE, lineStr.view(), NONE, NONE, NONE, NONE, NONE);
        LineTable t = LineTable.parse(s, 0, 4, null);
        assertEquals("/build/main.c", t.fileName(0).name());
        assertEquals("inc/helper.h", t.fileName(1).name());
        assertEquals("/build/main.c", t.lookup(0x3002).file());
        assertEquals("inc/helper.h", t.lookup(0x3004).file());
        assertNull(t.lookup(0x3008));
    }

    @Test
    void everyTruncationIsAFormatExceptionWithAnOffset() {
        byte[] whole = v4Program().toArray();
        for (int len = 0; len < whole.length; len++) {
            byte[] cut = Arrays.copyOf(whole, len);
            FormatException e = assertThrows(FormatException.class,
                    () -> LineTable.parse(lineOnly(ByteView.of(cut)), 0, 4, null), "truncated to " + len);
            assertTrue(e.getMessage().contains(".debug_line"), e.getMessage());
            assertTrue(e.offset() >= 0, e.getMessage());
        }
    }

    @Test
    void sixtyFourBitLineProgramIsRefusedByName() {
        Bytes b = new Bytes().u32(0xFFFF_FFFFL).u32(10).u32(0).u16(4);
        FormatException e = assertThrows(FormatException.class, () -> parse(b));
        assertTrue(e.getMessage().contains("64-bit DWARF"), e.getMessage());
    }

    @Test
    void zeroLineRangeIsRejectedNotDividedBy() {
        byte[] b = v4Program().toArray();
        b[4 + 2 + 4 + 4] = 0; // line_range (after length, version, header_length, min_inst, max_ops, default_is_stmt, line_base)
        FormatException e = assertThrows(FormatException.class, () -> LineTable.parse(lineOnly(ByteView.of(b)), 0, 4, null));
        assertTrue(e.getMessage().contains("line_range"), e.getMessage());
    }
}
