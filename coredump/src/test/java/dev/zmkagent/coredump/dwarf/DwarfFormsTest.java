package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.symbols.SourceFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hand-made DWARF 5 unit using the indexed forms GCC's split/DWARF 5 output can use (strx1, addrx, rnglistx,
 * line_strp, implicit_const, data16), with an inlined call whose ranges come from .debug_rnglists.
 */
class DwarfFormsTest {
    private static final ByteView NONE = DwarfSections.EMPTY;

    static DwarfSections unit() {
        Bytes abbrev = new Bytes()
                .uleb(1).uleb(Dw.TAG_COMPILE_UNIT).u8(1)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRX1).uleb(Dw.AT_COMP_DIR).uleb(Dw.FORM_LINE_STRP)
                .uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDRX).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(Dw.AT_STMT_LIST).uleb(Dw.FORM_SEC_OFFSET).uleb(Dw.AT_STR_OFFSETS_BASE).uleb(Dw.FORM_SEC_OFFSET)
                .uleb(Dw.AT_ADDR_BASE).uleb(Dw.FORM_SEC_OFFSET).uleb(Dw.AT_RNGLISTS_BASE).uleb(Dw.FORM_SEC_OFFSET)
                .uleb(0).uleb(0)
                .uleb(2).uleb(Dw.TAG_SUBPROGRAM).u8(1)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRX1).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDRX).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(Dw.AT_DECL_FILE).uleb(Dw.FORM_IMPLICIT_CONST).sleb(0).uleb(Dw.AT_DECL_LINE).uleb(Dw.FORM_DATA1)
                .uleb(0x1c).uleb(Dw.FORM_DATA16)
                .uleb(0).uleb(0)
                .uleb(3).uleb(Dw.TAG_INLINED_SUBROUTINE).u8(0)
                .uleb(Dw.AT_ABSTRACT_ORIGIN).uleb(Dw.FORM_REF4).uleb(Dw.AT_RANGES).uleb(Dw.FORM_RNGLISTX)
                .uleb(Dw.AT_ENTRY_PC).uleb(Dw.FORM_ADDRX).uleb(Dw.AT_CALL_FILE).uleb(Dw.FORM_DATA1).uleb(Dw.AT_CALL_LINE).uleb(Dw.FORM_DATA1)
                .uleb(0).uleb(0)
                .uleb(4).uleb(Dw.TAG_SUBPROGRAM).u8(0)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(0x20).uleb(Dw.FORM_DATA1)
                .uleb(0).uleb(0)
                .uleb(0);
        Bytes str = new Bytes().str("main.c").str("outer");
        Bytes strOffsets = new Bytes().u32(12).u16(5).u16(0).u32(0).u32(7);
        Bytes addr = new Bytes().u32(12).u16(5).u8(4, 0).u32(0x1000).u32(0x1010);
        Bytes rnglists = new Bytes().u32(0).u16(5).u8(4, 0).u32(1)
                .u32(4)
                .u8(Dw.RLE_OFFSET_PAIR).uleb(0x10).uleb(0x14)
                .u8(Dw.RLE_START_LENGTH).u32(0x1020).uleb(4)
                .u8(Dw.RLE_END_OF_LIST);
        Bytes lineStr = new Bytes().str("/build").str("inc").str("main.c").str("helper.h");
        Bytes header = new Bytes().u8(2, 1, 1).u8(-5 & 0xFF, 14, 13).u8(0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1)
                .u8(1).uleb(Dw.LNCT_PATH).uleb(Dw.FORM_LINE_STRP).uleb(2).u32(0).u32(7)
                .u8(2).uleb(Dw.LNCT_PATH).uleb(Dw.FORM_LINE_STRP).uleb(Dw.LNCT_DIRECTORY_INDEX).uleb(Dw.FORM_UDATA)
                .uleb(2).u32(11).uleb(0).u32(18).uleb(1);
        Bytes program = new Bytes()
                .u8(0).uleb(5).u8(Dw.LNE_SET_ADDRESS).u32(0x1000)
                .u8(Dw.LNS_ADVANCE_LINE).sleb(19).u8(Dw.LNS_COPY)                 // main.c:20
                .u8(Dw.LNS_SET_FILE).uleb(1).u8(Dw.LNS_ADVANCE_LINE).sleb(-13)
                .u8(Dw.LNS_ADVANCE_PC).uleb(8).u8(Dw.LNS_COPY)                    // 0x1010 helper.h:7
                .u8(Dw.LNS_SET_FILE).uleb(0).u8(Dw.LNS_ADVANCE_LINE).sleb(14)
                .u8(Dw.LNS_ADVANCE_PC).uleb(2).u8(Dw.LNS_COPY)                    // 0x1014 main.c:21
                .u8(Dw.LNS_ADVANCE_PC).uleb(6).u8(Dw.LNS_SET_FILE).uleb(1).u8(Dw.LNS_ADVANCE_LINE).sleb(-13)
                .u8(Dw.LNS_COPY)                                                  // 0x1020 helper.h:8
                .u8(Dw.LNS_ADVANCE_PC).uleb(8)
                .u8(0).uleb(1).u8(Dw.LNE_END_SEQUENCE);                           // 0x1030
        Bytes line = Bytes.withLength(new Bytes().u16(5).u8(4, 0).u32(header.size()).bytes(header.toArray()).bytes(program.toArray()));

        // The unit: header (12 bytes), then the DIEs. Offsets below are unit-relative (DW_FORM_ref4).
        Bytes dies = new Bytes()
                .uleb(1).u8(0).u32(0).uleb(0).u32(0x30).u32(0).u32(8).u32(8).u32(12)   // compile unit at 12
                .uleb(2).u8(1).uleb(0).u32(0x30).u8(19).bytes(new byte[16]);         // subprogram "outer"
        int inlinedAt = 12 + dies.size();
        int abstractAt = inlinedAt + 1 + 4 + 1 + 1 + 1 + 1 + 1; // the inlined DIE, then the subprogram's null
        dies.uleb(3).u32(abstractAt).uleb(0).uleb(1).u8(0).u8(20)              // inlined "helper"
                .u8(0)                                                          // end of outer's children
                .uleb(4).str("helper").u8(3)                                    // abstract "helper"
                .u8(0);                                                         // end of the unit's children
        Bytes info = Bytes.withLength(new Bytes().u16(5).u8(Dw.UT_COMPILE, 4).u32(0).bytes(dies.toArray()));
        return new DwarfSections(info.view(), abbrev.view(), line.view(), str.view(), lineStr.view(), NONE, NONE,
                rnglists.view(), strOffsets.view(), addr.view());
    }

    @Test
    void inlinedCallWithRnglistxRangesShowsBothLevels() {
        DebugInfo d = DebugInfo.of(unit());
        List<SourceFrame> f = d.framesStrict(0x1012);
        assertEquals(List.of(new SourceFrame("helper", "inc/helper.h", "/build", 7, true),
                new SourceFrame("outer", "main.c", "/build", 20, false)), f);
        // The second range of the same inlined call, from DW_RLE_start_length.
        assertEquals("helper", d.framesStrict(0x1022).get(0).function());
        assertEquals(8, d.framesStrict(0x1022).get(0).line());
    }

    @Test
    void addressOutsideTheInlinedRangesBelongsToTheFunctionAlone() {
        List<SourceFrame> f = DebugInfo.of(unit()).framesStrict(0x1016);
        assertEquals(List.of(new SourceFrame("outer", "main.c", "/build", 21, false)), f);
    }

    @Test
    void functionInfoResolvesIndexedAddressesAndImplicitConstDeclFile() {
        FunctionInfo fi = DebugInfo.of(unit()).function(0x1012).orElseThrow();
        assertEquals("outer", fi.name());
        assertEquals(0x1000, fi.lowPc());
        assertEquals(0x1030, fi.highPc());
        assertEquals(0x1000, fi.entryPc());
        assertEquals("main.c", fi.compileUnit());
        assertEquals("main.c", fi.declFile());
        assertEquals(19, fi.declLine());
    }

    @Test
    void sixtyFourBitUnitIsRefusedWithAClearMessage() {
        DwarfSections s = new DwarfSections(new Bytes().u32(0xFFFF_FFFFL).u32(40).u32(0).u16(4).view(), NONE, NONE, NONE,
                NONE, NONE, NONE, NONE, NONE, NONE);
        FormatException e = assertThrows(FormatException.class, () -> DebugInfo.of(s).framesStrict(0x1000));
        assertTrue(e.getMessage().contains("64-bit DWARF format"), e.getMessage());
        assertTrue(e.getMessage().contains(".debug_info"), e.getMessage());
    }

    @Test
    void unknownFormNamesSectionAndOffset() {
        DwarfSections good = unit();
        byte[] abbrev = good.abbrev.toArray();
        abbrev[4] = 0x7f; // DW_AT_name's form in abbreviation 1 (code, tag, children, name): now unknown
        DwarfSections bad = new DwarfSections(good.info, ByteView.of(abbrev), good.line, good.str, good.lineStr, NONE, NONE,
                good.rnglists, good.strOffsets, good.addr);
        FormatException e = assertThrows(FormatException.class, () -> DebugInfo.of(bad).framesStrict(0x1012));
        assertTrue(e.getMessage().startsWith(".debug_info"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown attribute form 0x7f"), e.getMessage());
    }

    @Test
    void lenientLookupFallsBackAndKeepsTheWarning() {
        DwarfSections good = unit();
        byte[] info = good.info.toArray();
        DwarfSections cut = new DwarfSections(ByteView.of(java.util.Arrays.copyOf(info, info.length - 9)), good.abbrev, good.line,
                good.str, good.lineStr, NONE, NONE, good.rnglists, good.strOffsets, good.addr);
        DebugInfo d = DebugInfo.of(cut);
        assertEquals(List.of(new SourceFrame("??", null, null, 0, false)), d.frames(0x1012));
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().get(0).contains(".debug_info"), d.warnings().get(0));
    }
}
