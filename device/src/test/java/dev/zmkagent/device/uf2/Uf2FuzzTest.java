package dev.zmkagent.device.uf2;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.flash.CheckOptions;
import dev.zmkagent.device.flash.FlashCheck;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.info.InfoUf2;
import dev.zmkagent.coredump.crashlab.CrashLab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * UF2 files as a user hands them to {@code flash} or {@code analyze}: block parsing, the flash image they describe,
 * and every check before a flash (family, window, block counts, repeated addresses, the coredump partition). Answers
 * or {@link FormatException}s only.
 */
class Uf2FuzzTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();
    private static final BootloaderTarget NICE_NANO = BootloaderTarget.of(CATALOG, CATALOG.byId("nice_nano").orElseThrow(),
            Optional.of(InfoUf2.parse("UF2 Bootloader 0.6.1\r\nModel: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\nSoftDevice: S140 version 6.1.1\r\n")),
            Optional.of(0x239A00B3L));

    static {
        // One real firmware image through every check before the fuzzer's clock starts: the first input would otherwise
        // load and instrument all these classes inside its 1 s budget, which a busy machine can exceed.
        new Uf2FuzzTest().uf2File(Arrays.copyOf(read(CrashLab.scenario("xiao-timer-nullptr").file("zmk.uf2")), 8192));
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void uf2File(byte[] data) {
        Uf2File f;
        try {
            f = Uf2File.parse(ByteView.of(data));
        } catch (FormatException e) {
            return;
        }
        f.families();
        FlashImage image = f.toFlashImage();
        if (!image.runs().isEmpty()) {
            image.view(image.lowest(), (int) Math.min(256, image.highestEnd() - image.lowest()));
        }
        FlashCheck.check(f, NICE_NANO, CheckOptions.none());
    }
}
