package dev.zmkagent.coredump.dwarf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSymbol;
import dev.zmkagent.coredump.elf.ElfSection;
import dev.zmkagent.coredump.symbols.SourceFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names from a damaged (or hostile) .debug_str / .debug_line_str cannot put control bytes on a terminal. */
class UntrustedNamesTest {
    /** Replaces every string ending in {@code from} in the section by one ending in {@code to}; returns how many. */
    private static int patch(byte[] elf, String section, String from, String to) {
        ElfSection s = ElfFile.parse(ByteView.of(elf)).section(section).orElseThrow();
        byte[] f = (from + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(f.length - 1, t.length, "same length");
        int base = (int) s.fileOffset();
        int n = 0;
        for (int i = base; i + f.length <= base + s.size(); i++) {
            if (java.util.Arrays.equals(elf, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, elf, i, t.length);
                n++;
            }
        }
        return n;
    }

    @Test
    void functionAndFileNamesComeBackEscaped() {
        CrashLab.Scenario s = CrashLab.scenario("nice_nano-assert");
        byte[] elf = s.appElf();
        assertTrue(patch(elf, ".debug_str", "assert_post_action", "\u001b[2J\u0007_post_action_") > 0);
        int n = 0;
        for (String section : new String[] {".debug_str", ".debug_line_str", ".debug_line"}) {
            n += patch(elf, section, "app.c", "a\r\u202e"); // wherever the line table keeps its file names
        }
        assertTrue(n > 0);
        ElfFile parsed = ElfFile.parse(ByteView.of(elf));
        ElfSymbol post = parsed.symbols().byName("assert_post_action").orElseThrow();
        long svc = (post.address() & ~1L) + post.size() - 2; // the svc, last instruction of assert_post_action
        List<SourceFrame> frames = DebugInfo.forElf(parsed).frames(svc);
        SourceFrame f = frames.get(frames.size() - 1);
        assertEquals("\\x1b[2J\\x07_post_action_", f.function());
        assertEquals("a\\x0d\\u{202e}", f.fileName());
        assertTrue(f.function().chars().allMatch(c -> c >= 0x20 && c < 0x7F));
    }
}
