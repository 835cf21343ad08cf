package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.symbols.CallSite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Call sites from hand-made DWARF 5 (DW_TAG_call_site, DW_AT_call_return_pc / call_pc / call_origin / call_target /
 * call_tail_call) and DWARF 4 GNU output (DW_TAG_GNU_call_site, DW_AT_low_pc, DW_AT_abstract_origin,
 * DW_AT_GNU_tail_call, DW_AT_GNU_call_site_target), then the same on real GCC output checked against objdump.
 */
class CallSiteTest {
    private static final ByteView NONE = DwarfSections.EMPTY;
    private static final int AT_INLINE = 0x20;

    /** Builds the DIE bytes twice: the first pass finds the DIE offsets the second pass refers to (ref4 is fixed-size). */
    private static Bytes twoPass(Function<Map<String, Integer>, Bytes> dies, Map<String, Integer> at) {
        dies.apply(at);
        return dies.apply(at);
    }

    /** Records the offset the next DIE will have (unit-relative, as DW_FORM_ref4 wants it). */
    private static Bytes mark(Bytes b, Map<String, Integer> at, String name, int headerSize) {
        at.put(name, headerSize + b.size());
        return b;
    }

    static DwarfSections dwarf5() {
        Bytes abbrev = new Bytes()
                .uleb(1).uleb(Dw.TAG_COMPILE_UNIT).u8(1)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(0).uleb(0)
                .uleb(2).uleb(Dw.TAG_SUBPROGRAM).u8(1)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(0).uleb(0)
                .uleb(3).uleb(Dw.TAG_CALL_SITE).u8(0)
                .uleb(Dw.AT_CALL_RETURN_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_CALL_ORIGIN).uleb(Dw.FORM_REF4)
                .uleb(0).uleb(0)
                .uleb(4).uleb(Dw.TAG_CALL_SITE).u8(0)
                .uleb(Dw.AT_CALL_RETURN_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_CALL_TAIL_CALL).uleb(Dw.FORM_FLAG_PRESENT)
                .uleb(Dw.AT_CALL_ORIGIN).uleb(Dw.FORM_REF4)
                .uleb(0).uleb(0)
                .uleb(5).uleb(Dw.TAG_SUBPROGRAM).u8(0)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_DECLARATION).uleb(Dw.FORM_FLAG_PRESENT)
                .uleb(0).uleb(0)
                .uleb(6).uleb(Dw.TAG_SUBPROGRAM).u8(0)
                .uleb(Dw.AT_SPECIFICATION).uleb(Dw.FORM_REF4).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(0).uleb(0)
                .uleb(7).uleb(Dw.TAG_CALL_SITE).u8(0)
                .uleb(Dw.AT_CALL_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_CALL_TAIL_CALL).uleb(Dw.FORM_FLAG_PRESENT)
                .uleb(Dw.AT_CALL_TARGET).uleb(Dw.FORM_EXPRLOC)
                .uleb(0).uleb(0)
                .uleb(8).uleb(Dw.TAG_INLINED_SUBROUTINE).u8(1)
                .uleb(Dw.AT_ABSTRACT_ORIGIN).uleb(Dw.FORM_REF4).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(0).uleb(0)
                .uleb(9).uleb(Dw.TAG_SUBPROGRAM).u8(0)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(AT_INLINE).uleb(Dw.FORM_DATA1)
                .uleb(0).uleb(0)
                .uleb(10).uleb(Dw.TAG_CALL_SITE).u8(0)
                .uleb(Dw.AT_CALL_RETURN_PC).uleb(Dw.FORM_ADDRX).uleb(Dw.AT_CALL_TARGET).uleb(Dw.FORM_EXPRLOC)
                .uleb(0).uleb(0)
                .uleb(0);
        int header = 12;
        Map<String, Integer> at = new HashMap<>();
        Bytes dies = twoPass(o -> {
            Bytes b = new Bytes();
            b.uleb(1).str("t.c").u32(0x1000).u32(0x100);
            b.uleb(2).str("caller").u32(0x1000).u32(0x20);
            b.uleb(3).u32(0x1008).u32(o.getOrDefault("mid", 0));                      // call mid, returns to 0x1008
            b.uleb(8).u32(o.getOrDefault("helper", 0)).u32(0x100c).u32(4);             // inlined helper
            b.uleb(4).u32(0x100e).u32(o.getOrDefault("leafDecl", 0));                   //   tail call leaf, in inlined code
            b.u8(0);
            b.uleb(7).u32(0x1012).uleb(5).u8(Dw.OP_ADDR).u32(0x1040);                 // call_pc only, constant target
            b.uleb(10).uleb(0).uleb(3).u8(0x73, 0x00, 0x9f);                           // indirect: DW_OP_breg3 0; stack_value
            b.u8(0);
            mark(b, o, "mid", header).uleb(2).str("mid").u32(0x1020).u32(0x10);
            b.uleb(4).u32(0x102c).u32(o.getOrDefault("leafDecl", 0));                   // tail call leaf
            b.u8(0);
            mark(b, o, "leafDecl", header).uleb(5).str("leaf");
            b.uleb(6).u32(o.getOrDefault("leafDecl", 0)).u32(0x1040).u32(0x10);         // leaf's code, via its declaration
            mark(b, o, "helper", header).uleb(9).str("helper").u8(3);
            b.u8(0);
            return b;
        }, at);
        Bytes info = Bytes.withLength(new Bytes().u16(5).u8(Dw.UT_COMPILE, 4).u32(0).bytes(dies.toArray()));
        // .debug_addr: header (8 bytes), one entry; the unit has no DW_AT_addr_base, so the DWARF 5 default (8) applies.
        Bytes addr = new Bytes().u32(8).u16(5).u8(4, 0).u32(0x1018);
        return new DwarfSections(info.view(), abbrev.view(), NONE, NONE, NONE, NONE, NONE, NONE, NONE, addr.view());
    }

    static DwarfSections dwarf4Gnu() {
        Bytes abbrev = new Bytes()
                .uleb(1).uleb(Dw.TAG_COMPILE_UNIT).u8(1)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(0).uleb(0)
                .uleb(2).uleb(Dw.TAG_SUBPROGRAM).u8(1)
                .uleb(Dw.AT_NAME).uleb(Dw.FORM_STRING).uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_HIGH_PC).uleb(Dw.FORM_DATA4)
                .uleb(0).uleb(0)
                .uleb(3).uleb(Dw.TAG_GNU_CALL_SITE).u8(1)
                .uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_GNU_TAIL_CALL).uleb(Dw.FORM_FLAG)
                .uleb(Dw.AT_ABSTRACT_ORIGIN).uleb(Dw.FORM_REF4)
                .uleb(0).uleb(0)
                .uleb(4).uleb(Dw.TAG_GNU_CALL_SITE).u8(0)
                .uleb(Dw.AT_LOW_PC).uleb(Dw.FORM_ADDR).uleb(Dw.AT_GNU_CALL_SITE_TARGET).uleb(Dw.FORM_BLOCK1)
                .uleb(0).uleb(0)
                .uleb(5).uleb(0x4108 /* DW_TAG_GNU_call_site_parameter */).u8(0)
                .uleb(0x02 /* DW_AT_location */).uleb(Dw.FORM_EXPRLOC)
                .uleb(0).uleb(0)
                .uleb(0);
        int header = 11;
        Map<String, Integer> at = new HashMap<>();
        Bytes dies = twoPass(o -> {
            Bytes b = new Bytes();
            b.uleb(1).str("g.c").u32(0x2000).u32(0x100);
            b.uleb(2).str("first").u32(0x2000).u32(0x10);
            b.uleb(3).u32(0x200a).u8(1).u32(o.getOrDefault("second", 0));              // tail call second
            b.uleb(5).uleb(1).u8(0x50);                                                  //   parameter in r0
            b.u8(0);
            b.uleb(3).u32(0x200e).u8(0).u32(o.getOrDefault("second", 0));              // DW_AT_GNU_tail_call 0: a plain call
            b.u8(0);
            b.uleb(4).u32(0x2006).u8(5).u8(Dw.OP_ADDR).u32(0x2010);                   // constant target: second
            b.u8(0);
            mark(b, o, "second", header).uleb(2).str("second").u32(0x2010).u32(0x10);
            b.u8(0);
            b.u8(0);
            return b;
        }, at);
        Bytes info = Bytes.withLength(new Bytes().u16(4).u32(0).u8(4).bytes(dies.toArray()));
        return new DwarfSections(info.view(), abbrev.view(), NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE);
    }

    @Test
    void dwarf5CallSitesGiveReturnPcTargetAndTailFlag() {
        DebugInfo d = DebugInfo.of(dwarf5());
        CallSite call = d.callSiteAt(0x1008).orElseThrow();
        assertEquals(0x1000, call.function());
        assertEquals(OptionalLong.of(0x1020), call.target());
        assertEquals("mid", call.targetName());
        assertFalse(call.tailCall());
        assertTrue(call.callPc().isEmpty());

        CallSite tail = d.callSiteAt(0x102c).orElseThrow();
        assertEquals(0x1020, tail.function());
        assertTrue(tail.tailCall());
        assertEquals("leaf", tail.targetName());
        // The origin is a declaration without code: the entry is that of the subprogram whose DW_AT_specification names it.
        assertEquals(OptionalLong.of(0x1040), tail.target());
        assertEquals(0x102c, tail.framePc());
        assertEquals(0x102b, tail.lookupPc());
        assertEquals(List.of(tail), d.callSitesIn(0x1020));
    }

    @Test
    void callSitesInInlinedCodeBelongToTheConcreteFunction() {
        DebugInfo d = DebugInfo.of(dwarf5());
        List<CallSite> sites = d.callSitesIn(d.function(0x1004).orElseThrow());
        assertEquals(4, sites.size(), sites.toString());
        CallSite inInlined = sites.get(1);
        assertEquals(OptionalLong.of(0x100e), inInlined.returnPc());
        assertEquals(0x1000, inInlined.function());
        assertEquals(OptionalLong.of(0x1040), inInlined.target());
    }

    @Test
    void callPcAndExpressionTargets() {
        DebugInfo d = DebugInfo.of(dwarf5());
        List<CallSite> sites = d.callSitesIn(0x1000);
        CallSite byPc = sites.get(2);
        assertTrue(byPc.returnPc().isEmpty());
        assertEquals(OptionalLong.of(0x1012), byPc.callPc());
        assertEquals(0x1012, byPc.framePc());
        assertEquals(0x1012, byPc.lookupPc(), "the call pc is inside the call already");
        assertEquals(OptionalLong.of(0x1040), byPc.target(), "DW_OP_addr target");
        assertTrue(byPc.tailCall());
        // DW_AT_call_return_pc as DW_FORM_addrx; the target is register-based, so not known statically.
        CallSite indirect = d.callSiteAt(0x1018).orElseThrow();
        assertTrue(indirect.target().isEmpty());
        assertEquals(null, indirect.targetName());
        assertTrue(d.callSiteAt(0x1010).isEmpty(), "no call returns there");
    }

    @Test
    void dwarf4GnuCallSitesUseLowPcAbstractOriginAndGnuTailCall() {
        DebugInfo d = DebugInfo.of(dwarf4Gnu());
        CallSite tail = d.callSiteAt(0x200a).orElseThrow();
        assertTrue(tail.tailCall());
        assertEquals(0x2000, tail.function());
        assertEquals(OptionalLong.of(0x2010), tail.target());
        assertEquals("second", tail.targetName());
        CallSite plain = d.callSiteAt(0x200e).orElseThrow();
        assertFalse(plain.tailCall(), "DW_FORM_flag 0 is false");
        CallSite byTarget = d.callSiteAt(0x2006).orElseThrow();
        assertEquals(OptionalLong.of(0x2010), byTarget.target(), "DW_AT_GNU_call_site_target DW_OP_addr in a block1");
        assertFalse(byTarget.tailCall());
        assertEquals(3, d.callSitesIn(0x2000).size());
        assertTrue(d.callSitesIn(0x2010).isEmpty());
    }

    // ---------------------------------------------------------------- real GCC output (values from objdump --dwarf=info)

    private static DebugInfo elf(String path) throws Exception {
        return DebugInfo.of(ElfFile.parse(ByteView.of(Files.readAllBytes(Path.of(path)))));
    }

    @Test
    void gccDwarf4GnuCallSites() throws Exception {
        DebugInfo d = elf("src/test/resources/dwarf/elf/O2-dwarf4.elf");
        CallSite s = d.callSiteAt(0x10ca).orElseThrow();
        assertTrue(s.tailCall());
        assertTrue(s.target().isPresent(), s.toString());
        assertEquals(d.function(s.target().getAsLong()).orElseThrow().name(), s.targetName());
        assertEquals(d.function(0x10c9).orElseThrow().entryPc(), s.function());
    }

    @Test
    void gccDwarf5CallSitesAcrossUnitsResolveThroughTheElfSymbol() throws Exception {
        ElfFile e = ElfFile.parse(ByteView.of(Files.readAllBytes(Path.of("src/test/resources/crashlab/nice_nano-busfault-Os/app.elf"))));
        DebugInfo d = DebugInfo.of(e);
        Function<String, Long> sym = n -> e.symbols().byName(n).orElseThrow().address() & ~1L;
        long sleep = sym.apply("k_sleep_ticks");
        long sleepEnd = sleep + e.symbols().byName("k_sleep_ticks").orElseThrow().size();
        // logging_thread (app.c) calls k_sleep_ticks, declared in app.c and defined in kernel.c.
        CallSite call = d.callSitesIn(sym.apply("logging_thread")).stream()
                .filter(c -> "k_sleep_ticks".equals(c.targetName())).findFirst().orElseThrow();
        assertEquals(call.toString(), d.callSiteAt(call.returnPc().getAsLong()).orElseThrow().toString());
        assertFalse(call.tailCall());
        assertEquals(OptionalLong.of(sleep), call.target());
        // k_sleep_ticks ends with "b.w arch_swap".
        List<CallSite> inSleep = d.callSitesIn(sleep);
        assertEquals(1, inSleep.size(), inSleep.toString());
        assertTrue(inSleep.get(0).tailCall());
        long ret = inSleep.get(0).returnPc().getAsLong();
        assertTrue(ret > sleep && ret <= sleepEnd, "return pc inside k_sleep_ticks");
        assertEquals(OptionalLong.of(sym.apply("arch_swap")), inSleep.get(0).target());
        assertEquals("arch_swap", inSleep.get(0).targetName());
        assertTrue(d.warnings().isEmpty(), d.warnings().toString());
    }
}
