package dev.zmkagent.coredump.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import java.util.Arrays;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Tag_CPU_arch from real .ARM.attributes sections, and malformed ones that must give no answer instead of an error. */
class ArmAttributesTest {
    private static byte[] attributes(String scenario) {
        ElfFile elf = ElfFile.parse(ByteView.of(CrashLab.scenario(scenario).appElf()));
        return elf.section(".ARM.attributes").orElseThrow().data().toArray();
    }

    @Test
    void cortexM33AndCortexM4Builds() {
        assertEquals(OptionalInt.of(17), ArmAttributes.cpuArch(ByteView.of(attributes("m33-div0"))), "v8-M.mainline");
        assertEquals(OptionalInt.of(13), ArmAttributes.cpuArch(ByteView.of(attributes("nice_nano-busfault"))), "v7E-M");
    }

    @Test
    void everyTruncationOfARealSectionGivesNothingOrTheRightTag() {
        byte[] a = attributes("m33-fpu-div0");
        for (int n = 0; n < a.length; n++) {
            OptionalInt got = ArmAttributes.cpuArch(ByteView.of(Arrays.copyOf(a, n)));
            // the subsection lengths no longer fit: no answer, never an exception or a wrong tag
            assertEquals(OptionalInt.empty(), got, "cut at " + n);
        }
    }

    @Test
    void otherVendorsAndFormatsAreSkipped() {
        byte[] a = attributes("m33-div0");
        byte[] wrongFormat = a.clone();
        wrongFormat[0] = 'B';
        assertEquals(OptionalInt.empty(), ArmAttributes.cpuArch(ByteView.of(wrongFormat)));
        // a vendor subsection ("gnu", 9 bytes) before the aeabi one is skipped
        byte[] vendor = {9, 0, 0, 0, 'g', 'n', 'u', 0, 0x55};
        byte[] both = new byte[1 + vendor.length + a.length - 1];
        both[0] = 'A';
        System.arraycopy(vendor, 0, both, 1, vendor.length);
        System.arraycopy(a, 1, both, 1 + vendor.length, a.length - 1);
        assertEquals(OptionalInt.of(17), ArmAttributes.cpuArch(ByteView.of(both)));
        // a subsection length that points past the end
        byte[] tooLong = a.clone();
        tooLong[1] = (byte) 0xFF;
        assertEquals(OptionalInt.empty(), ArmAttributes.cpuArch(ByteView.of(tooLong)));
    }
}
