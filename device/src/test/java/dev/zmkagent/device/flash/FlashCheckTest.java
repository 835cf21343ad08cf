package dev.zmkagent.device.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.info.InfoUf2;
import dev.zmkagent.device.sim.TestFirmware;
import dev.zmkagent.device.uf2.Uf2File;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One UF2 per refusal rule, each breaking exactly that rule. */
class FlashCheckTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();

    static BootloaderTarget niceNano(String version) {
        InfoUf2 info = InfoUf2.parse("UF2 Bootloader " + version + "\r\nModel: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\nSoftDevice: S140 version 6.1.1\r\n");
        return BootloaderTarget.of(CATALOG, CATALOG.byId("nice_nano").orElseThrow(), Optional.of(info), Optional.of(TestFirmware.NICE_NANO_FAMILY));
    }

    static CheckResult check(TestFirmware fw, BootloaderTarget t, CheckOptions o) {
        return FlashCheck.check(Uf2File.parse(ByteView.of(fw.uf2())), t, o);
    }

    static Refusal.Rule only(CheckResult r) {
        assertEquals(1, r.refusals().size(), r.refusals().toString());
        return r.refusals().get(0).rule();
    }

    @Test
    void aZmkDebugBuildForThisBoardPasses() {
        CheckResult r = check(TestFirmware.code(0x26000, 0x30000, TestFirmware.NICE_NANO_FAMILY, 1), niceNano("0.6.1"), CheckOptions.none());
        assertTrue(r.ok(), r.refusals().toString());
        assertEquals(0x26000, r.firstAddress());
        assertEquals(0x56000, r.endAddress());
        assertEquals("zmk_debug", r.variant().orElseThrow().name());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("--elf")));
    }

    @Test
    void genericNrf52840FamilyIsAccepted() {
        assertTrue(check(TestFirmware.code(0x26000, 0x1000, TestFirmware.GENERIC_FAMILY, 1), niceNano("0.6.1"), CheckOptions.none()).ok());
    }

    @Test
    void refusesAnotherBoardsFamily() {
        CheckResult r = check(TestFirmware.code(0x27000, 0x1000, TestFirmware.XIAO_FAMILY, 1), niceNano("0.6.1"), CheckOptions.none());
        assertEquals(Refusal.Rule.FAMILY, only(r));
        assertTrue(r.refusals().get(0).message().contains("0x28860044"));
    }

    @Test
    void aFamilyRefusalListsExactlyTheFamiliesAccepted() {
        // The XIAO's own family unknown (no CURRENT.UF2 block read): both of its families and the generic one pass.
        BootloaderTarget xiao = BootloaderTarget.of(CATALOG, CATALOG.byId("xiao_ble").orElseThrow(),
                Optional.of(InfoUf2.parse("UF2 Bootloader 0.6.1\r\nModel: Seeed XIAO nRF52840\r\n")), Optional.empty());
        assertTrue(check(TestFirmware.code(0x27000, 0x1000, 0x28860045L, 1), xiao, CheckOptions.none()).refusals().stream()
                .noneMatch(x -> x.rule() == Refusal.Rule.FAMILY));
        CheckResult r = check(TestFirmware.code(0x27000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1), xiao, CheckOptions.none());
        assertEquals(Refusal.Rule.FAMILY, only(r));
        assertTrue(r.refusals().get(0).message().contains("(0x28860044, 0x28860045 or 0xADA52840)"), r.refusals().get(0).message());
        CheckResult known = check(TestFirmware.code(0x26000, 0x1000, TestFirmware.XIAO_FAMILY, 1), niceNano("0.6.1"), CheckOptions.none());
        assertTrue(known.refusals().get(0).message().contains("(0x239A00B3 or 0xADA52840)"), known.refusals().get(0).message());
    }

    @Test
    void refusesABuildForTheOtherSoftDevice() {
        // Linked for S140 7.x (0x27000) but this nice!nano has S140 6.1.1: the application would start a page too late.
        CheckResult late = check(TestFirmware.code(0x27000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1), niceNano("0.6.1"), CheckOptions.none());
        assertEquals(Refusal.Rule.APP_START, only(late));
        assertTrue(late.refusals().get(0).message().contains("S140 6.1.1"), late.refusals().get(0).message());
        CheckResult early = check(TestFirmware.code(0x25000, 0x2000, TestFirmware.NICE_NANO_FAMILY, 1), niceNano("0.6.1"), CheckOptions.none());
        assertEquals(Refusal.Rule.APP_START, only(early));
        assertTrue(early.refusals().get(0).message().contains("overwrite the tail"));
    }

    @Test
    void refusesBlocksOutsideTheWindowOfThisBootloaderVersion() {
        // 0.6.0 writes only below 0xAD000; --variant zmk so the coredump rules do not fire first.
        TestFirmware big = TestFirmware.code(0x26000, 0xAD000 - 0x26000 + 0x100, TestFirmware.NICE_NANO_FAMILY, 1);
        CheckOptions zmk = new CheckOptions(Optional.of("zmk"), Optional.empty(), Optional.empty());
        assertEquals(Refusal.Rule.OUTSIDE_WINDOW, only(check(big, niceNano("0.6.0"), zmk)));
        assertTrue(check(big, niceNano("0.6.1"), zmk).ok());
    }

    @Test
    void refusesAFirmwareThatWritesIntoTheCoredumpPartition() {
        TestFirmware fw = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1).block(15, b -> b.address = 0x71000);
        CheckResult r = check(fw, niceNano("0.6.1"), CheckOptions.none());
        assertEquals(Refusal.Rule.COREDUMP_OVERLAP, only(r));
        assertTrue(r.refusals().get(0).message().contains("0x71000-0x81000"));
    }

    @Test
    void refusesAFirmwareThatEndsPastThePartition() {
        TestFirmware fw = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1).block(15, b -> b.address = 0x90000);
        assertEquals(Refusal.Rule.PAST_COREDUMP, only(check(fw, niceNano("0.6.1"), CheckOptions.none())));
    }

    @Test
    void theVariantHoldingADumpIsTheOneProtected() {
        // zmk_debug_extra's code may reach 0x99000; with its dump on the device, 0x71000 is code, 0x99000 is protected.
        TestFirmware fw = TestFirmware.code(0x26000, 0x60000, TestFirmware.NICE_NANO_FAMILY, 1);
        assertEquals(Refusal.Rule.COREDUMP_OVERLAP, only(check(fw, niceNano("0.6.1"), CheckOptions.none())));
        assertTrue(check(fw, niceNano("0.6.1"), CheckOptions.none().withDumpVariant(Optional.of("zmk_debug_extra"))).ok());
    }

    @Test
    void refusesBlocksTheBootloaderWouldIgnore() {
        TestFirmware oddPayload = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1).block(3, b -> b.payloadSize = 476);
        assertEquals(Refusal.Rule.BLOCK_IGNORED_BY_BOOTLOADER, only(check(oddPayload, niceNano("0.6.1"), CheckOptions.none())));
        TestFirmware unaligned = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1).block(3, b -> b.address += 4);
        assertEquals(Refusal.Rule.BLOCK_IGNORED_BY_BOOTLOADER, only(check(unaligned, niceNano("0.6.1"), CheckOptions.none())));
        TestFirmware noFamily = TestFirmware.code(0x26000, 0x1000, 0, 1).each(b -> b.flags = 0);
        assertEquals(Refusal.Rule.BLOCK_IGNORED_BY_BOOTLOADER, only(check(noFamily, niceNano("0.6.1"), CheckOptions.none())));
    }

    @Test
    void refusesABootloaderUpdate() {
        TestFirmware bl = TestFirmware.code(0xF4000, 0x1000, BootloaderTarget.FAMILY_BOOTLOADER_UPDATE, 1);
        assertEquals(Refusal.Rule.BOOTLOADER_UPDATE, only(check(bl, niceNano("0.6.1"), CheckOptions.none())));
    }

    @Test
    void refusesFilesTheBootloaderNeverFinishes() {
        TestFirmware mismatch = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1).block(5, b -> b.numBlocks = 99);
        assertEquals(Refusal.Rule.NEVER_COMPLETES, only(check(mismatch, niceNano("0.6.1"), CheckOptions.none())));
        TestFirmware dup = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1).block(5, b -> b.blockNo = 4);
        assertEquals(Refusal.Rule.NEVER_COMPLETES, only(check(dup, niceNano("0.6.1"), CheckOptions.none())));
    }

    @Test
    void refusesAFileThatRepeatsAValidBuild() throws Exception {
        // A 100 MB UF2 made of one build over and over: every block valid on its own, numbers and count consistent.
        byte[] once = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1).uf2();
        byte[] thrice = new byte[once.length * 3];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(once, 0, thrice, i * once.length, once.length);
        }
        CheckResult r = FlashCheck.check(Uf2File.parse(ByteView.of(thrice)), niceNano("0.6.1"), CheckOptions.none());
        assertEquals(Refusal.Rule.NEVER_COMPLETES, only(r));
        assertTrue(r.refusals().get(0).message().contains("holds 48 blocks for this board but its blocks say there are 16"), r.refusals().toString());
    }

    @Test
    void refusesTwoBlocksForOneAddress() {
        TestFirmware twice = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1).block(9, b -> b.address = 0x26300);
        CheckResult r = check(twice, niceNano("0.6.1"), CheckOptions.none());
        assertEquals(Refusal.Rule.REPEATED_ADDRESS, only(r));
        assertTrue(r.refusals().get(0).message().contains("blocks 3 and 9 both write 0x26300"), r.refusals().toString());
    }

    @Test
    void unknownVariantIsRefusedAndElfWithoutCoredumpWarns() {
        TestFirmware fw = TestFirmware.code(0x26000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1);
        assertEquals(Refusal.Rule.UNKNOWN_VARIANT, only(check(fw, niceNano("0.6.1"), new CheckOptions(Optional.of("zmk_fast"), Optional.empty(), Optional.empty()))));
        CheckResult noCd = check(fw, niceNano("0.6.1"), new CheckOptions(Optional.empty(), Optional.of(false), Optional.empty()));
        assertTrue(noCd.ok());
        assertTrue(noCd.warnings().stream().anyMatch(w -> w.contains("no Zephyr coredump code")), noCd.warnings().toString());
        CheckResult plain = check(fw, niceNano("0.6.1"), new CheckOptions(Optional.of("zmk"), Optional.empty(), Optional.empty()));
        assertTrue(plain.warnings().stream().anyMatch(w -> w.contains("not a coredump-enabled variant")), plain.warnings().toString());
    }

    @Test
    void refusedPlansThrowWithTheFirstReasonAsMessage() {
        CheckResult r = check(TestFirmware.code(0x27000, 0x1000, TestFirmware.NICE_NANO_FAMILY, 1), niceNano("0.6.1"), CheckOptions.none());
        FlashRefusedException e = org.junit.jupiter.api.Assertions.assertThrows(FlashRefusedException.class, r::throwIfRefused);
        assertEquals(r.refusals().get(0).message(), e.getMessage());
        assertEquals(List.of(Refusal.Rule.APP_START), e.refusals().stream().map(Refusal::rule).toList());
    }
}
