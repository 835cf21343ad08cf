package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSection;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged DWARF in a real ELF: random bytes overwritten in each debug section, or the section cut short. Strict
 * lookups may only fail with a FormatException; lenient lookups never fail.
 */
class CorruptDwarfTest {
    private static final String[] SECTIONS = {".debug_info", ".debug_abbrev", ".debug_line", ".debug_rnglists",
            ".debug_aranges", ".debug_str", ".debug_line_str"};

    @Test
    void randomDamageGivesFormatExceptionsOrAnswersNeverOtherErrors() throws Exception {
        byte[] original = Files.readAllBytes(GdbTruth.elfPath("O2-dwarf5-gas5"));
        ElfFile pristine = ElfFile.parse(ByteView.of(original));
        Random random = new Random(7);
        int formatErrors = 0;
        for (String name : SECTIONS) {
            ElfSection sec = pristine.section(name).orElseThrow();
            for (int round = 0; round < 30; round++) {
                byte[] b = original.clone();
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    b[(int) (sec.fileOffset() + random.nextInt((int) sec.size()))] = (byte) random.nextInt(256);
                }
                formatErrors += lookAll(ElfFile.parse(ByteView.of(b)), name + " round " + round);
            }
        }
        assertTrue(formatErrors > 0, "the damage never produced a FormatException: the test is not biting");
    }

    @Test
    void truncatedSectionsAreReportedWithSectionAndOffset() throws Exception {
        byte[] original = Files.readAllBytes(GdbTruth.elfPath("O2-dwarf4"));
        ElfFile elf = ElfFile.parse(ByteView.of(original));
        for (String name : new String[] {".debug_info", ".debug_line", ".debug_abbrev"}) {
            ElfSection sec = elf.section(name).orElseThrow();
            for (long keep : new long[] {3, 11, sec.size() / 3, sec.size() / 2, sec.size() - 1}) {
                DwarfSections cut = cut(new DwarfSections(elf), name, keep);
                try {
                    DebugInfo d = DebugInfo.of(cut);
                    for (long pc = 0x1000; pc < 0x1220; pc += 2) {
                        d.framesStrict(pc);
                    }
                    fail(name + " cut to " + keep + " bytes was not noticed");
                } catch (FormatException e) {
                    assertTrue(e.getMessage().startsWith(name) || e.getMessage().startsWith(".debug_"), e.getMessage());
                    assertTrue(e.offset() >= 0, e.getMessage());
                }
            }
        }
    }

    private static DwarfSections cut(DwarfSections s, String name, long keep) {
        ByteView info = name.equals(".debug_info") ? s.info.slice(0, keep) : s.info;
        ByteView line = name.equals(".debug_line") ? s.line.slice(0, keep) : s.line;
        ByteView abbrev = name.equals(".debug_abbrev") ? s.abbrev.slice(0, keep) : s.abbrev;
        return new DwarfSections(info, abbrev, line, s.str, s.lineStr, s.aranges, s.ranges, s.rnglists, s.strOffsets, s.addr);
    }

    private static int lookAll(ElfFile elf, String what) {
        int errors = 0;
        DebugInfo strict = DebugInfo.of(elf);
        DebugInfo lenient = DebugInfo.of(elf);
        for (long pc = 0x1000; pc < 0x1220; pc += 2) {
            try {
                strict.framesStrict(pc);
                strict.function(pc);
            } catch (FormatException e) {
                errors++;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError(what + ", pc 0x" + Long.toHexString(pc) + ": " + e, e);
            }
            assertFalse(lenient.frames(pc).isEmpty(), what);
        }
        return errors;
    }
}
