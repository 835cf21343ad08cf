package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.format.DumpBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real crash captured in QEMU (resources/gdb, made by src/capture.sh): firmware on mps2-an386 that runs main on the
 * process stack and faults with a store to unmapped 0x50000000 three calls deep. {@code ram.bin} is its 16 KiB RAM
 * after the fault (exception frame stacked at the psp in {@code frame.txt}); {@code live.txt} is gdb's live view at
 * the faulting store, i.e. the interrupted context a dump's registers describe.
 *
 * <p>The dump streams are wrapped here the way Zephyr writes them: arch block from the stacked frame (r0–r3, r12,
 * lr, pc, xpsr) plus sp, with r4–r11 only when EXTRA_EXCEPTION_INFO would collect them, and one LINKER_RAM block.
 */
public final class QemuFixture {
    public static final long RAM = 0x2000_0000L;
    public static final int RAM_SIZE = 0x4000;

    /** How the arch block's sp is written: Zephyr 3.5 stores the exception frame address, 4.1 the sp before it. */
    public enum SpStyle { FRAME_ADDRESS, PRE_EXCEPTION }

    private QemuFixture() {
    }

    public static byte[] resource(String name) {
        try (InputStream in = QemuFixture.class.getResourceAsStream("/gdb/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource gdb/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(resource(name), StandardCharsets.UTF_8);
    }

    public static Path write(Path dir, String name, byte[] content) {
        try {
            Path p = dir.resolve(name);
            Files.write(p, content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path elf(Path dir) {
        return write(dir, "fw.elf", resource("fw.elf"));
    }

    /** psp at HardFault_Handler: where the core stacked r0, r1, r2, r3, r12, lr, pc, xpsr. */
    public static long framePsp() {
        Matcher m = Pattern.compile("psp 0x([0-9a-f]+)").matcher(text("frame.txt"));
        if (!m.find()) {
            throw new IllegalStateException("frame.txt has no psp line");
        }
        return Long.parseLong(m.group(1), 16);
    }

    /** gdb's "info registers" at the faulting store, by name. */
    public static Map<String, Long> liveRegisters() {
        Map<String, Long> regs = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(r\\d+|sp|lr|pc|xpsr)\\s+0x([0-9a-f]+)").matcher(text("live.txt"));
        while (m.find()) {
            regs.put(m.group(1), Long.parseLong(m.group(2), 16));
        }
        return regs;
    }

    public static long ramWord(long addr) {
        byte[] ram = resource("ram.bin");
        int o = (int) (addr - RAM);
        return (ram[o] & 0xFFL) | (ram[o + 1] & 0xFFL) << 8 | (ram[o + 2] & 0xFFL) << 16 | (ram[o + 3] & 0xFFL) << 24;
    }

    /**
     * A 'ZE' stream of this crash.
     *
     * @param sp          how the arch block's sp is written
     * @param calleeSaved whether r4–r11 are in the block (v2, EXTRA_EXCEPTION_INFO) or not (v1)
     * @param dumpFrom    first RAM address the memory block holds (RAM for all of it; higher to truncate .data/.bss)
     */
    public static byte[] stream(SpStyle sp, boolean calleeSaved, long dumpFrom) {
        long frame = framePsp();
        long[] stacked = new long[8];
        for (int i = 0; i < 8; i++) {
            stacked[i] = ramWord(frame + 4L * i);
        }
        long spValue = sp == SpStyle.FRAME_ADDRESS ? frame : frame + 32 + ((stacked[7] & (1 << 9)) != 0 ? 4 : 0);
        DumpBuilder b = DumpBuilder.stream(2, 0 /* K_ERR_CPU_EXCEPTION */);
        if (calleeSaved) {
            Map<String, Long> live = liveRegisters();
            long[] callee = new long[8];
            for (int i = 0; i < 8; i++) {
                callee[i] = live.get("r" + (4 + i));
            }
            b.archV2(stacked[0], stacked[1], stacked[2], stacked[3], stacked[4], stacked[5], stacked[6], stacked[7], spValue, callee);
        } else {
            b.arch(1, stacked[0], stacked[1], stacked[2], stacked[3], stacked[4], stacked[5], stacked[6], stacked[7], spValue);
        }
        byte[] ram = resource("ram.bin");
        b.memory(dumpFrom, Arrays.copyOfRange(ram, (int) (dumpFrom - RAM), ram.length));
        return b.build();
    }
}
