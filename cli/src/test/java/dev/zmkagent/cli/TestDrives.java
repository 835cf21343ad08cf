package dev.zmkagent.cli;

import dev.zmkagent.coredump.format.DumpBuilder;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Folder-backed bootloader drives for the CLI tests. */
final class TestDrives {
    private TestDrives() {
    }

    /**
     * A nice!nano drive under {@code tmp/media/NICENANO<fill>} whose coredump partition holds a bus fault at pc
     * 0x26254, with {@code fill} in its RAM block (no ELF needed).
     */
    static Path niceNanoBusFault(Path tmp, int fill) throws IOException {
        byte[] flash = DumpBuilder.filled(0x100000, 0xFF);
        byte[] stream = DumpBuilder.stream(2, 25).archV2(0x50000000L, 1, 2, 3, 12, 0x26311, 0x26254, 0x01000000, 0x2000ff00L)
                .memory(0x2000fe00L, DumpBuilder.filled(0x200, fill)).build();
        byte[] p = DumpBuilder.partition(stream);
        System.arraycopy(p, 0, flash, 0x71000, p.length);
        Path d = Files.createDirectories(tmp.resolve("media/NICENANO" + fill));
        Files.writeString(d.resolve("INFO_UF2.TXT"), "UF2 Bootloader 0.6.1\r\nModel: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\n", StandardCharsets.ISO_8859_1);
        Files.write(d.resolve("CURRENT.UF2"), CurrentUf2Renderer.render(flash, 0x1000, 0xEA000, 0x239A00B3L));
        return d;
    }
}
