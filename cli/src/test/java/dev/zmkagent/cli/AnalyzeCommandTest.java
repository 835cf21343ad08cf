package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.format.DumpBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
    private static final byte[] STREAM = DumpBuilder.stream(2, 36)
            .archV2(0, 1, 2, 3, 12, 0x26131, 0x26154, 0x01000000, 0x2000ff00L).build();

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static void assertOneLineError(CliRun r, String expected) {
        assertEquals(2, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), "exactly one line: " + r.err());
        assertTrue(r.err().startsWith("zmk-agent: error: "), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void crashFoundExitsOneAndNamesTheReason() throws Exception {
        CliRun r = CliRun.run("analyze", write("dump.bin", DumpBuilder.partition(STREAM)).toString(), "--color=never");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.out().contains("Reason:    K_ERR_ARM_USAGE_UNDEFINED_INSTRUCTION (36)"), r.out());
        assertTrue(r.out().contains("usage fault: undefined instruction"), r.out());
    }

    @Test
    void noDumpExitsZero() throws Exception {
        CliRun r = CliRun.run("analyze", write("erased.bin", DumpBuilder.filled(0x10000, 0xFF)).toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("holds no dump: erased"), r.out());
    }

    @Test
    void missingFileIsOneLine() {
        assertOneLineError(CliRun.run("analyze", dir.resolve("nope.uf2").toString()), "no such file: ");
    }

    @Test
    void notADumpIsOneLine() throws Exception {
        assertOneLineError(CliRun.run("analyze", write("notes.txt", "hello".getBytes()).toString()), "is not a dump");
    }

    @Test
    void cutOffUf2IsOneLineWithOffset() throws Exception {
        byte[] uf2 = dev.zmkagent.device.uf2.CurrentUf2Renderer.render(new byte[0x2000], 0x1000, 0x2000, 0x239A00B3L);
        assertOneLineError(CliRun.run("analyze", write("CURRENT.UF2", Arrays.copyOf(uf2, 1000)).toString()),
                "UF2 block 1 is cut off: the file ends 488 bytes into it");
    }

    @Test
    void nonElfGivenAsElfIsOneLine() throws Exception {
        Path dump = write("dump.bin", DumpBuilder.partition(STREAM));
        assertOneLineError(CliRun.run("analyze", dump.toString(), "--elf", write("zmk.elf", "not an elf".getBytes()).toString()),
                "zmk.elf: not an ELF file");
    }

    @Test
    void elfForAnotherArchitectureIsOneLine() throws Exception {
        byte[] x86 = new byte[64];
        x86[0] = 0x7F;
        x86[1] = 'E';
        x86[2] = 'L';
        x86[3] = 'F';
        x86[4] = 1;
        x86[5] = 1;
        x86[18] = 3;
        Path dump = write("dump.bin", DumpBuilder.partition(STREAM));
        assertOneLineError(CliRun.run("analyze", dump.toString(), "--elf", write("host.elf", x86).toString()),
                "ELF is for x86 (e_machine 3), not ARM (40)");
    }

    @Test
    void badBaseIsAUsageError() throws Exception {
        CliRun r = CliRun.run("analyze", write("x.bin", new byte[0x20000]).toString(), "--base", "0xZZ");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("'0xZZ' is not an address"), r.err());
    }

    @Test
    void usageMistakesAreOneLineWithWhereToReadMore() {
        for (String[] args : new String[][] {{"analyze"}, {"analyze", "x", "--base", "zz"}, {"nosuch"}, {"help", "nosuch"}, {"analyze", "x", "--frobnicate"}}) {
            CliRun r = CliRun.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("zmk-agent: error: ") && r.err().contains("(see 'zmk-agent help"), r.err());
            assertEquals("", r.out(), "no help page dumped on a mistake");
        }
    }

    @Test
    void helpReachesNestedCommands() {
        CliRun r = CliRun.run("help", "firmware", "add");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: zmk-agent firmware add"), r.out());
    }

    @Test
    void jsonAndMarkdownExcludeEachOther() throws Exception {
        CliRun r = CliRun.run("analyze", write("d.bin", DumpBuilder.partition(STREAM)).toString(), "--json", "--markdown");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--json and --markdown cannot be used together"), r.err());
    }

    @Test
    void helpAndVersionWork() {
        CliRun help = CliRun.run("help", "analyze");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("Exit codes: 0 no crash stored, 1 crash found and reported, 2 bad input or usage."), help.out());
        CliRun top = CliRun.run("--help");
        assertTrue(top.out().contains("analyze"), top.out());
        CliRun version = CliRun.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("zmk-agent "), version.out());
    }
}
