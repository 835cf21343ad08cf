package dev.zmkagent.device.usb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The shipped udev rule covers every catalog bootloader, by uaccess only, never by an open mode. */
class UdevRulesTest {
    private static List<String> rules() throws Exception {
        Path root = Path.of(System.getProperty("zmkagent.repoRoot", ".."));
        Path file = root.resolve("udev-rules/70-zmk-agent.rules");
        if (!Files.exists(file)) {
            file = Path.of("../udev-rules/70-zmk-agent.rules");
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    @Test
    void everyCatalogBootloaderHasAUsbAndATtyRuleWithUaccess() throws Exception {
        List<String> rules = rules();
        for (Board b : BoardCatalog.builtin().boards()) {
            for (Board.UsbId id : b.usb()) {
                String vid = String.format("ATTR{idVendor}==\"%04x\"", id.vid());
                String pid = String.format("ATTR{idProduct}==\"%04x\"", id.pid());
                assertTrue(rules.stream().anyMatch(r -> r.startsWith("SUBSYSTEM==\"usb\"") && r.contains(vid) && r.contains(pid)
                        && r.contains("TAG+=\"uaccess\"")), "usb rule for " + id);
                assertTrue(rules.stream().anyMatch(r -> r.startsWith("SUBSYSTEM==\"tty\"") && r.contains("ATTRS{idVendor}==\"" + String.format("%04x", id.vid()))
                        && r.contains("ATTRS{idProduct}==\"" + String.format("%04x", id.pid())) && r.contains("TAG+=\"uaccess\"")), "tty rule for " + id);
            }
        }
    }

    @Test
    void noRuleOpensTheDeviceToEveryone() throws Exception {
        for (String r : rules()) {
            String l = r.toLowerCase(Locale.ROOT);
            assertFalse(l.contains("mode"), r);
            assertFalse(l.contains("group=\"plugdev\"") || l.contains("group=\"users\""), r);
        }
    }
}
