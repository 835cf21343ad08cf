package dev.zmkagent.device.info;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.device.boards.BoardCatalog;
import java.util.Optional;

/**
 * INFO_UF2.TXT as any drive may present it: parsed, then used to identify the board and the bootloader target (the
 * version decides the CURRENT.UF2 window). A text file never refuses: every input must give an answer.
 */
class InfoUf2FuzzTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();

    @FuzzTest
    void infoUf2(byte[] data) {
        InfoUf2 info = InfoUf2.parse(data);
        info.softDeviceNotFound();
        Identification id = new BoardIdentifier(CATALOG).identify(Optional.of(info), Optional.of("NICENANO"), Optional.empty());
        id.board().ifPresent(b -> BootloaderTarget.of(CATALOG, b, Optional.of(info), Optional.empty()));
    }
}
