package dev.zmkagent.device.drive;

import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.info.Identification;
import dev.zmkagent.device.info.InfoUf2;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A mounted UF2 bootloader drive: where it is, what its INFO_UF2.TXT says, which board it is and (when the board is
 * known) the flash target it implies. {@code problems} says what stops it from being used.
 */
public record Uf2Drive(
        Path root,
        String label,
        Path infoFile,
        Optional<Path> currentUf2,
        InfoUf2 info,
        Optional<Long> familyFromCurrentUf2,
        Identification identification,
        Optional<BootloaderTarget> target,
        List<String> problems) {

    public boolean usable() {
        return target.isPresent() && problems.isEmpty();
    }
}
