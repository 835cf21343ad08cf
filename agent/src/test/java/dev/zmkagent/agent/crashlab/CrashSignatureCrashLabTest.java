package dev.zmkagent.agent.crashlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.crashlab.CrashLab;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The crash signature groups the same bug across builds and boards, and tells different bugs apart: measured on the
 * crash lab's real crashes, where the same bus fault was built for two boards (different addresses), with DWARF 4
 * and 5, escalated to HardFault, with a dump of another size, and with another shield's code and data linked in (every
 * address moves).
 */
class CrashSignatureCrashLabTest {
    private static String signature(String scenario) {
        return CrashLabBacktraceTest.analyzeCurrentUf2(CrashLab.scenario(scenario)).signature().orElseThrow();
    }

    @Test
    void theSameBugInDifferentBuildsAndBoardsHasOneSignature() {
        String reference = signature("nice_nano-busfault");
        for (String same : List.of("nice_nano-busfault-dwarf4", "nice_nano-busfault-escalated", "xiao-busfault-min",
                "nice_nano-busfault-extra-info", "nice_nano-busfault-fsr-region", "nice_nano-corrupt-checksum",
                "nice_nano-busfault-other-shield", "xiao-busfault-other-shield-threads")) {
            assertEquals(reference, signature(same), same);
        }
    }

    @Test
    void differentBugsHaveDifferentSignatures() {
        List<String> bugs = List.of("nice_nano-busfault", "nice_nano-div0", "nice_nano-undef", "nice_nano-oops", "nice_nano-assert",
                "xiao-nullptr", "xiao-unaligned", "xiao-stack-overflow", "xiao-irq-busfault", "nice_nano-fpu");
        Set<String> seen = new HashSet<>();
        for (String bug : bugs) {
            assertTrue(seen.add(signature(bug)), bug + " shares a signature with another bug");
        }
    }
}
