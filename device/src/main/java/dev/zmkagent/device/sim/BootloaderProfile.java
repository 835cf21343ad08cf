package dev.zmkagent.device.sim;

import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.boards.Versions;
import java.util.Optional;

/**
 * What a simulated Adafruit nRF52 bootloader build says about itself: version, board strings, USB IDs, SoftDevice,
 * and its CURRENT.UF2 window. INFO_UF2.TXT and INDEX.HTM are rendered as that version renders them.
 *
 * @param versionLine the text after "UF2 Bootloader " (version and submodule versions)
 * @param softDevice  "S140 6.1.1", or empty for a board without SoftDevice ("not found")
 */
public record BootloaderProfile(String version, String versionLine, String model, String boardId, String date,
                                Optional<String> softDevice, String volumeLabel, int vid, int pid, String indexUrl,
                                BootloaderWindow window) {

    public long family() {
        return ((long) vid << 16) | pid;
    }

    /** nice!nano with bootloader {@code version} (0.6.0 is what most ship with) and S140 6.1.1. */
    public static BootloaderProfile niceNano(String version) {
        String boardId = Versions.compare(version, "0.6.0") < 0 ? "nRF52840-nicenano-v1" : "nRF52840-nicenano";
        return new BootloaderProfile(version, version + " lib/nrfx (v2.0.0) lib/tinyusb (0.10.1-41-gdf0cda2d) lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)",
                "nice!nano", boardId, "Jun 19 2021", Optional.of("S140 6.1.1"), "NICENANO", 0x239A, 0x00B3,
                "https://nicekeyboards.com/docs/nice-nano", BoardCatalog.builtin().windowFor(version));
    }

    /** Seeed XIAO nRF52840 with the upstream bootloader (0.8.0 or later) and S140 7.3.0. */
    public static BootloaderProfile xiao(String version) {
        return new BootloaderProfile(version, version + " lib/nrfx (v2.0.0) lib/tinyusb (0.12.0-145-g9775e7691) lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)",
                "Seeed XIAO nRF52840", "nRF52840-SeeedXiao-v1", "Jan 12 2023", Optional.of("S140 7.3.0"), "XIAO-BOOT", 0x2886, 0x0044,
                "https://www.seeedstudio.com/", BoardCatalog.builtin().windowFor(version));
    }

    /** The Seeed factory bootloader many XIAO boards ship with (Sense PID, Seeed's Board-ID). */
    public static BootloaderProfile xiaoSenseFactory() {
        String v = "0.6.1";
        return new BootloaderProfile(v, v + " lib/nrfx (v2.0.0) lib/tinyusb (0.10.1-293-gaf8e5a90) lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)",
                "Seeed XIAO nRF52840", "Seeed_XIAO_nRF52840_Sense", "Nov 12 2021", Optional.of("S140 7.3.0"), "XIAO-SENSE", 0x2886, 0x0045,
                "https://www.seeedstudio.com/", BoardCatalog.builtin().windowFor(v));
    }

    public BootloaderProfile withLabel(String label) {
        return new BootloaderProfile(version, versionLine, model, boardId, date, softDevice, label, vid, pid, indexUrl, window);
    }

    /** INFO_UF2.TXT with CRLF lines; before 0.7.0 the SoftDevice line reads "S140 version x.y.z" and Date comes last. */
    public String infoUf2() {
        boolean old = Versions.compare(version, "0.7.0") < 0;
        String sd = softDevice.map(s -> old ? s.replaceFirst(" ", " version ") : s).orElse("not found");
        StringBuilder b = new StringBuilder();
        b.append("UF2 Bootloader ").append(versionLine).append("\r\n");
        b.append("Model: ").append(model).append("\r\n");
        b.append("Board-ID: ").append(boardId).append("\r\n");
        if (old) {
            b.append("SoftDevice: ").append(sd).append("\r\n");
            b.append("Date: ").append(date).append("\r\n");
        } else {
            b.append("Date: ").append(date).append("\r\n");
            b.append("SoftDevice: ").append(sd).append("\r\n");
        }
        return b.toString();
    }

    public String indexHtm() {
        return "<!doctype html>\n<html><body><script>\nlocation.replace(\"" + indexUrl + "\");\n</script></body></html>\n";
    }
}
