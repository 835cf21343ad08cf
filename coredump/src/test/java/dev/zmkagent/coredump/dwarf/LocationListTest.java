package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Location lists read by hand-made units: DWARF 5 .debug_loclists with every DW_LLE_* kind (and GCC's view pairs),
 * DW_FORM_loclistx through DW_AT_loclists_base and .debug_addr; DWARF 4 .debug_loc with a base address selection;
 * DW_AT_const_value; a variable without location; the types they refer to.
 */
class LocationListTest {
    private static final ByteView NONE = DwarfSections.EMPTY;

    private static Bytes abbrevs(int version) {
        return new Bytes()
                .uleb(1).uleb(Dw.TAG_COMPILE_UNIT).u8(1)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(Dw.AT_ADDR_BASE).uleb(Dw.FORM_SEC_OFFSET).uleb(Dw.AT_LOCLISTS_BASE).uleb(Dw.FORM_SEC_OFFSET)
                .uleb(0).uleb(0)
                .uleb(2).uleb(Dw.TAG_SUBPROGRAM).u8(1)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(Dw.AT_FRAME_BASE).uleb(Dw.FORM_EXPRLOC)
                .uleb(0).uleb(0)
                .uleb(3).uleb(Dw.TAG_FORMAL_PARAMETER).u8(0)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_TYPE).uleb(Dw.FORM_REF4)
                .uleb(Dw.AT_LOCATION).uleb(version >= 5 ? Dw.FORM_LOCLISTX : Dw.FORM_SEC_OFFSET)
                .uleb(0).uleb(0)
                .uleb(4).uleb(Dw.TAG_VARIABLE).u8(0)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_TYPE).uleb(Dw.FORM_REF4).uleb(Dw.AT_LOCATION).uleb(Dw.FORM_SEC_OFFSET)
                .uleb(0).uleb(0)
                .uleb(5).uleb(Dw.TAG_VARIABLE).u8(0)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_TYPE).uleb(Dw.FORM_REF4).uleb(Dw.AT_CONST_VALUE).uleb(Dw.FORM_SDATA)
                .uleb(0).uleb(0)
                .uleb(6).uleb(Dw.TAG_VARIABLE).u8(0)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_TYPE).uleb(Dw.FORM_REF4)
                .uleb(0).uleb(0)
                .uleb(7).uleb(Dw.TAG_BASE_TYPE).u8(0)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_ENCODING).uleb(Dw.FORM_DATA1).uleb(Dw.AT_BYTE_SIZE).uleb(Dw.FORM_DATA1)
                .uleb(0).uleb(0)
                .uleb(0);
    }

    /** A unit with f() at [0x1000, 0x1200): x (a location list), y (another), z = -3 (constant), w (no location). */
    private static DwarfSections unit(int version, long xList, long yList, ByteView loc, ByteView loclists, ByteView addr) {
        int header = version >= 5 ? 12 : 11;
        Bytes dies = new Bytes();
        dies.uleb(1).str("f.c").u32(0x1000).u32(0x200).u32(8).u32(12);
        dies.uleb(2).str("f").u32(0x1000).u32(0x200).uleb(1).u8(0x9c);       // frame base: DW_OP_call_frame_cfa
        Bytes children = new Bytes();
        // sizes: abbrev(1) + name + ref4(4) + location
        int xSize = 1 + 2 + 4 + (version >= 5 ? sizeUleb(xList) : 4);
        int ySize = 1 + 2 + 4 + 4;
        int zSize = 1 + 2 + 4 + 1;
        int wSize = 1 + 2 + 4;
        int typeAt = header + dies.size() + xSize + ySize + zSize + wSize + 1;
        children.uleb(3).str("x").u32(typeAt);
        if (version >= 5) {
            children.uleb(xList);
        } else {
            children.u32(xList);
        }
        children.uleb(4).str("y").u32(typeAt).u32(yList);
        children.uleb(5).str("z").u32(typeAt).sleb(-3);
        children.uleb(6).str("w").u32(typeAt);
        children.u8(0);
        dies.bytes(children.toArray());
        dies.uleb(7).str("int").u8(0x05).u8(4);
        dies.u8(0);
        Bytes body = version >= 5 ? new Bytes().u16(5).u8(Dw.UT_COMPILE, 4).u32(0) : new Bytes().u16(version).u32(0).u8(4);
        Bytes info = Bytes.withLength(body.bytes(dies.toArray()));
        return new DwarfSections(info.view(), abbrevs(version).view(), NONE, NONE, NONE, NONE, NONE, NONE, NONE, addr, loc, loclists);
    }

    private static int sizeUleb(long v) {
        return new Bytes().uleb(v).size();
    }

    private static Bytes expr(int... ops) {
        return new Bytes().u8(ops);
    }

    private static ByteView dwarf5Loclists() {
        Bytes lists = new Bytes();
        // list 0 (x), at offset 16: every kind of entry
        lists.u8(Dw.LLE_BASE_ADDRESSX).uleb(0)                                        // base = addr[0] = 0x1000
                .u8(Dw.LLE_OFFSET_PAIR).uleb(0x0).uleb(0x4).uleb(1).u8(0x50)            // [0x1000,0x1004) r0
                .u8(Dw.LLE_STARTX_ENDX).uleb(1).uleb(2).uleb(1).u8(0x51)                // [0x1004,0x1008) r1
                .u8(Dw.LLE_STARTX_LENGTH).uleb(2).uleb(4).uleb(1).u8(0x52)              // [0x1008,0x100c) r2
                .u8(Dw.LLE_BASE_ADDRESS).u32(0x1100)
                .u8(Dw.LLE_OFFSET_PAIR).uleb(0x0c).uleb(0x10).uleb(1).u8(0x53)          // [0x110c,0x1110) r3
                .u8(Dw.LLE_START_END).u32(0x1010).u32(0x1014).uleb(1).u8(0x54)          // [0x1010,0x1014) r4
                .u8(Dw.LLE_START_LENGTH).u32(0x1014).uleb(4).uleb(1).u8(0x55)           // [0x1014,0x1018) r5
                .u8(Dw.LLE_GNU_VIEW_PAIR).uleb(1).uleb(2)
                .u8(Dw.LLE_DEFAULT_LOCATION).uleb(1).u8(0x56)                           // elsewhere: r6
                .u8(Dw.LLE_END_OF_LIST);
        int list1 = lists.size();
        // list 1 (y): relative to the unit's base address 0x1000, only [0x1000, 0x1008)
        lists.u8(Dw.LLE_OFFSET_PAIR).uleb(0).uleb(8).uleb(2).u8(0x91).sleb(-8).u8(Dw.LLE_END_OF_LIST);
        yList5 = 16 + list1;
        return new Bytes().u32(0).u16(5).u8(4, 0).u32(1).u32(4).bytes(lists.toArray()).view();
    }

    /** Where y's list starts in .debug_loclists (set by {@link #dwarf5Loclists}). */
    private static long yList5;

    private static DwarfSections dwarf5() {
        ByteView loclists = dwarf5Loclists();
        ByteView addr = new Bytes().u32(16).u16(5).u8(4, 0).u32(0x1000).u32(0x1004).u32(0x1008).view();
        return unit(5, 0, yList5, NONE, loclists, addr);
    }

    private static int locationOp(FrameScope.Variable v) {
        FrameScope.Location l = v.location();
        return l.kind() == FrameScope.Location.Kind.EXPRESSION ? l.bytes().u8(0) : -1;
    }

    private static FrameScope scope(DebugInfo d, long pc) {
        List<FrameScope> s = d.scopes(pc);
        assertEquals(1, s.size(), "one function at 0x" + Long.toHexString(pc));
        return s.get(0);
    }

    @Test
    void everyDwarf5LocationListEntryKindSelectsItsRange() {
        DebugInfo d = DebugInfo.of(dwarf5());
        long[][] expected = {{0x1000, 0x50}, {0x1003, 0x50}, {0x1004, 0x51}, {0x1008, 0x52}, {0x110c, 0x53}, {0x1010, 0x54},
                {0x1014, 0x55}, {0x1020, 0x56}, {0x1108, 0x56}};
        for (long[] e : expected) {
            FrameScope s = scope(d, e[0]);
            assertEquals("x", s.parameters().get(0).name());
            assertEquals((int) e[1], locationOp(s.parameters().get(0)), String.format("x at 0x%x", e[0]));
        }
    }

    @Test
    void aListWithoutAnEntryForThePcIsOptimizedOutThere() {
        DebugInfo d = DebugInfo.of(dwarf5());
        FrameScope in = scope(d, 0x1004);
        FrameScope.Variable y = in.locals().stream().filter(v -> v.name().equals("y")).findFirst().orElseThrow();
        assertEquals(0x91, locationOp(y), "DW_OP_fbreg inside [0x1000, 0x1008)");
        FrameScope out = scope(d, 0x1010);
        y = out.locals().stream().filter(v -> v.name().equals("y")).findFirst().orElseThrow();
        assertEquals(FrameScope.Location.Kind.OPTIMIZED_OUT, y.location().kind());
    }

    @Test
    void constantsNoLocationTypesAndTheFrameBase() {
        FrameScope s = scope(DebugInfo.of(dwarf5()), 0x1000);
        FrameScope.Variable z = s.locals().stream().filter(v -> v.name().equals("z")).findFirst().orElseThrow();
        assertEquals(FrameScope.Location.Kind.CONSTANT_NUMBER, z.location().kind());
        assertEquals(-3, z.location().constant());
        FrameScope.Variable w = s.locals().stream().filter(v -> v.name().equals("w")).findFirst().orElseThrow();
        assertEquals(FrameScope.Location.Kind.OPTIMIZED_OUT, w.location().kind());
        assertEquals("int", z.type().name());
        assertEquals(4, z.type().byteSize());
        assertEquals(DwarfType.ATE_SIGNED, z.type().encoding());
        assertEquals(0x9c, s.frameBase().bytes().u8(0));
        assertEquals(0x1000, s.entryPc());
        assertEquals(0x50, s.parameters().get(0).atEntry().bytes().u8(0), "x at the function's entry is in r0");
    }

    @Test
    void dwarf4DebugLocPairsAndBaseSelection() {
        Bytes loc = new Bytes()
                .u32(0x0).u32(0x4).u16(1).u8(0x50)                 // [0x1000, 0x1004) r0 (unit base 0x1000)
                .u32(0xFFFF_FFFFL).u32(0x1100)                     // base address 0x1100
                .u32(0x0).u32(0x8).u16(1).u8(0x57)                 // [0x1100, 0x1108) r7
                .u32(0).u32(0);
        int yAt = loc.size();
        loc.u32(0x4).u32(0x10).u16(2).u8(0x91).sleb(-4).u32(0).u32(0);
        DebugInfo d = DebugInfo.of(unit(4, 0, yAt, loc.view(), NONE, NONE));
        assertEquals(0x50, locationOp(scope(d, 0x1002).parameters().get(0)));
        assertEquals(0x57, locationOp(scope(d, 0x1104).parameters().get(0)));
        assertEquals(FrameScope.Location.Kind.OPTIMIZED_OUT, scope(d, 0x1050).parameters().get(0).location().kind());
        FrameScope.Variable y = scope(d, 0x1004).locals().get(0);
        assertEquals("y", y.name());
        assertEquals(0x91, locationOp(y));
    }

    @Test
    void aListRunningPastItsSectionIsAnErrorNamingIt() {
        Bytes loc = new Bytes().u32(0x0).u32(0x4).u16(200).u8(0x50);
        DebugInfo d = DebugInfo.of(unit(4, 0, 0, loc.view(), NONE, NONE));
        FormatException e = assertThrows(FormatException.class, () -> d.scopes(0x1000));
        assertTrue(e.getMessage().startsWith(".debug_loc"), e.getMessage());
    }
}
