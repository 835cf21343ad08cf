package dev.zmkagent.coredump.cortexm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The architecture of every crash-lab build, read from its ELF's build attributes, is the CPU the lab built it for. */
class ArmArchitectureTest {
    static Stream<CrashLab.Scenario> scenarios() {
        return CrashLab.scenarios().stream();
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theElfSaysWhichArchitectureItWasBuiltFor(CrashLab.Scenario s) {
        // scenario.json names the lab's CPU for the Cortex-M33 builds; every other build is the Cortex-M4F (Armv7E-M)
        Map<String, Object> cpu = (Map<String, Object>) s.meta().get("cpu");
        ArmArchitecture expected = cpu != null && "cortex-m33".equals(cpu.get("name")) ? ArmArchitecture.ARMV8_M_MAINLINE : ArmArchitecture.ARMV7E_M;
        ArmArchitecture got = ArmArchitecture.of(ElfFile.parse(ByteView.of(s.appElf())));
        assertEquals(expected, got, s.name());
        assertEquals(expected == ArmArchitecture.ARMV8_M_MAINLINE, got.isArmv8mMainline());
        assertEquals(expected == ArmArchitecture.ARMV8_M_MAINLINE, got.hasStackLimit());
    }

    @Test
    void theMbrStubIsArmv7eMToo() {
        assertEquals(ArmArchitecture.ARMV7E_M, ArmArchitecture.of(ElfFile.parse(ByteView.of(CrashLab.mbrElf()))));
    }

    @Test
    void tagValuesOfTheAbi() {
        assertEquals(ArmArchitecture.ARMV7_M, ArmArchitecture.ofTagCpuArch(10));
        assertEquals(ArmArchitecture.ARMV6_M, ArmArchitecture.ofTagCpuArch(11));
        assertEquals(ArmArchitecture.ARMV8_M_BASELINE, ArmArchitecture.ofTagCpuArch(16));
        assertEquals(ArmArchitecture.ARMV8_1_M_MAINLINE, ArmArchitecture.ofTagCpuArch(21));
        assertEquals(ArmArchitecture.UNKNOWN, ArmArchitecture.ofTagCpuArch(14)); // v8-A: not a Cortex-M
        assertEquals(false, ArmArchitecture.ARMV8_M_BASELINE.isArmv8mMainline());
        assertEquals(true, ArmArchitecture.ARMV8_1_M_MAINLINE.isArmv8mMainline());
    }
}
