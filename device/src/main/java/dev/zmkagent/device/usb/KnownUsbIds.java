package dev.zmkagent.device.usb;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The USB IDs worth looking for: every catalog bootloader (UF2 and CDC-only modes share one VID:PID), ZMK's own
 * application ID (a keyboard running firmware), and any the user adds ("VID:PID" in hex).
 */
public final class KnownUsbIds {
    /** ZMK's default USB ID for the running keyboard (CONFIG_ZMK_USB VID 0x1D50, PID 0x615E). */
    public static final Board.UsbId ZMK_APPLICATION = new Board.UsbId(0x1D50, 0x615E);
    public static final String ENV_EXTRA = "ZMK_AGENT_USB_IDS";

    private KnownUsbIds() {
    }

    /** ID → what it is ("nice!nano bootloader", "ZMK keyboard", "user-configured"). */
    public static Map<Board.UsbId, String> of(BoardCatalog catalog, Iterable<String> extra) {
        Map<Board.UsbId, String> m = new LinkedHashMap<>();
        for (Board b : catalog.boards()) {
            for (Board.UsbId id : b.usb()) {
                m.putIfAbsent(id, b.name() + " bootloader");
            }
        }
        m.putIfAbsent(ZMK_APPLICATION, "ZMK keyboard (running firmware)");
        for (String e : extra) {
            m.putIfAbsent(parse(e), "user-configured device");
        }
        return m;
    }

    public static Board.UsbId parse(String vidPid) {
        String[] p = vidPid.trim().split(":");
        if (p.length != 2) {
            throw new FormatException("USB ID \"" + vidPid + "\" is not VID:PID in hex (e.g. 239a:00b3)");
        }
        try {
            int vid = Integer.parseInt(p[0].replaceFirst("(?i)^0x", ""), 16);
            int pid = Integer.parseInt(p[1].replaceFirst("(?i)^0x", ""), 16);
            if (vid < 0 || vid > 0xFFFF || pid < 0 || pid > 0xFFFF) {
                throw new NumberFormatException();
            }
            return new Board.UsbId(vid, pid);
        } catch (NumberFormatException e) {
            throw new FormatException("USB ID \"" + vidPid + "\" is not VID:PID in hex (e.g. 239a:00b3)");
        }
    }
}
