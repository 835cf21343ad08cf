package dev.zmkagent.device.info;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.boards.Versions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a flash tool must know about one bootloader: the board, the family IDs it accepts, where the application must
 * start for the installed SoftDevice, and the window it exposes as CURRENT.UF2 and accepts writes into.
 *
 * @param softDeviceFromInfo true when the SoftDevice came from INFO_UF2.TXT; false when it is the catalog's default
 *                           for the board (serial-only mode has no INFO_UF2.TXT)
 */
public record BootloaderTarget(
        Board board,
        Optional<String> bootloaderVersion,
        Optional<SoftDevice> softDevice,
        boolean softDeviceFromInfo,
        long appStart,
        BootloaderWindow window,
        Set<Long> acceptedFamilies,
        long boardFamily,
        List<String> notes) {

    /** The Adafruit bootloader's generic nRF52840 application family. */
    public static final long FAMILY_NRF52840 = 0xADA52840L;
    /** The Adafruit bootloader's self-update family (never an application). */
    public static final long FAMILY_BOOTLOADER_UPDATE = 0xD663823CL;
    /** The note a target carries when INFO_UF2.TXT says "SoftDevice: not found". */
    public static final String NO_SOFTDEVICE_NOTE = "the bootloader reports no SoftDevice installed: ZMK needs one, restore it before flashing";

    /**
     * @param boardFamily the family the bootloader itself uses: read from a CURRENT.UF2 block, or (VID<<16)|PID of its
     *                    USB ID. When unknown, every family of the board is accepted (with a note).
     */
    public static BootloaderTarget of(BoardCatalog catalog, Board board, Optional<InfoUf2> info, Optional<Long> boardFamily) {
        List<String> notes = new ArrayList<>();
        Optional<String> version = info.flatMap(InfoUf2::bootloaderVersion);
        Optional<SoftDevice> sd = info.flatMap(InfoUf2::softDevice);
        boolean fromInfo = sd.isPresent();
        if (sd.isEmpty()) {
            if (info.map(InfoUf2::softDeviceNotFound).orElse(false)) {
                notes.add(NO_SOFTDEVICE_NOTE);
            }
            sd = SoftDevice.parse(board.softDevice());
        }
        long appStart = sd.flatMap(s -> s.appStart().isPresent() ? Optional.of(s.appStart().getAsLong()) : Optional.empty())
                .orElse(board.appStart());
        version.filter(v -> Versions.compare(v, "0.4.0") < 0).ifPresent(v ->
                notes.add("bootloader " + v + " is older than 0.4.0, whose CURRENT.UF2 and write rules differ: update the bootloader"));
        BootloaderWindow window = catalog.windowFor(version.orElse(null));
        if (version.isEmpty()) {
            notes.add("bootloader version unknown: assuming the newest CURRENT.UF2 window");
        }
        Set<Long> families = new LinkedHashSet<>();
        long family;
        if (boardFamily.isPresent()) {
            family = boardFamily.get();
            families.add(family);
        } else {
            family = board.familyIds().isEmpty() ? FAMILY_NRF52840 : board.familyIds().get(0);
            families.addAll(board.familyIds());
            if (board.familyIds().size() > 1) {
                notes.add("the bootloader's own family ID is unknown: accepting every family of " + board.name());
            }
        }
        families.addAll(catalog.genericFamilyIds());
        families.add(FAMILY_NRF52840);
        return new BootloaderTarget(board, version, sd, fromInfo, appStart, window, Set.copyOf(families), family, List.copyOf(notes));
    }

    /** INFO_UF2.TXT said "SoftDevice: not found": a ZMK application cannot run on this device until it is restored. */
    public boolean softDeviceMissing() {
        return notes.contains(NO_SOFTDEVICE_NOTE);
    }
}
