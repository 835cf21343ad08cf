package dev.zmkagent.agent.testkit;

import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A test nice!nano: 1 MiB of flash holding a firmware (built with {@link TestElf}) at 0x26000 and optionally a dump in
 * the zmk_debug partition at 0x71000; renders its bootloader drive into a folder (INFO_UF2.TXT + CURRENT.UF2).
 */
public final class Keyboard {
    public static final long APP = 0x26000;
    public static final long PARTITION = 0x71000;
    public static final long FAMILY = 0x239A00B3L;
    public static final String INFO = "UF2 Bootloader 0.6.1 lib/nrfx (v2.0.0) lib/tinyusb (0.10.1-293-gaf8e5a90) lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)\r\n"
            + "Model: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\nSoftDevice: S140 version 6.1.1\r\nDate: Jun 19 2021\r\n";

    public final byte[] flash = DumpBuilder.filled(0x100000, 0xFF);
    public long windowEnd = 0xEA000;

    /** Firmware text: a vector table then 0x2000 bytes of pattern that depends on {@code seed}. */
    public static byte[] firmwareText(int seed) {
        byte[] t = new byte[0x2400];
        for (int i = 0; i < t.length; i++) {
            t[i] = (byte) (i * 7 + seed * 13 + (i >> 8));
        }
        put(t, 0, 0x20040000L);
        put(t, 4, APP + 0x101);
        return t;
    }

    public static byte[] firmwareElf(int seed) {
        return new TestElf(APP, firmwareText(seed))
                .function("Reset_Handler", APP + 0x100, 0x40)
                .function("zmk_keymap_apply_position_state", APP + 0x200, 0x100)
                .function("behavior_hold_tap_binding_pressed", APP + 0x300, 0x100)
                .buildId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, (byte) seed})
                .build();
    }

    /** A BusFault (reason 0) whose pc is inside {@code zmk_keymap_apply_position_state} (or {@code pc}). */
    public static byte[] dumpStream(long pc, int fill) {
        return DumpBuilder.stream(2, 0)
                .archV2(0x50000000L, 1, 2, 3, 12, APP + 0x311, pc, 0x01000000, 0x2000ff00L)
                .memory(0x2000fe00L, DumpBuilder.filled(0x200, fill)).build();
    }

    public Keyboard flashFirmware(int seed) {
        byte[] t = firmwareText(seed);
        System.arraycopy(t, 0, flash, (int) APP, t.length);
        return this;
    }

    public Keyboard crash(byte[] stream) {
        byte[] p = DumpBuilder.partition(stream);
        System.arraycopy(p, 0, flash, (int) PARTITION, p.length);
        return this;
    }

    public Keyboard erasePartition() {
        Arrays.fill(flash, (int) PARTITION, (int) PARTITION + 0x10000, (byte) 0xFF);
        return this;
    }

    public byte[] currentUf2() {
        return CurrentUf2Renderer.render(flash, 0x1000, windowEnd, FAMILY);
    }

    /** Writes the drive's files into {@code dir} (created). */
    public Path writeDrive(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("INFO_UF2.TXT"), INFO, StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("CURRENT.UF2"), currentUf2());
        Files.writeString(dir.resolve("INDEX.HTM"), "<!doctype html>\n");
        return dir;
    }

    /** Makes the drive appear in {@code media} at once, as a mount does: written next to it, then renamed in. */
    public Path plugIn(Path media, String volume) throws IOException {
        Path staging = media.resolveSibling(".staging-" + volume + "-" + System.nanoTime());
        writeDrive(staging);
        return Files.move(staging, media.resolve(volume), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static void put(byte[] b, int o, long v) {
        for (int i = 0; i < 4; i++) {
            b[o + i] = (byte) (v >> (8 * i));
        }
    }
}
