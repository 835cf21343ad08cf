package dev.zmkagent.agent.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under Xvfb with trayer as the system tray: the watch's tray icon appears with its menu, and the menu works. */
class TrayIconTest {
    @TempDir
    Path tmp;

    @Test
    void theTrayIconOffersOpenLastReportOpenFolderPauseAndQuit() throws Exception {
        Desktop.assumeTools("Xvfb", "dbus-daemon", "trayer");
        try (Desktop desktop = new Desktop()) {
            desktop.start(List.of("trayer", "--expand", "false", "--widthtype", "pixel", "--width", "100"), null);
            Thread.sleep(1000); // trayer takes the tray selection asynchronously
            Path out = tmp.resolve("probe.out");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = desktop.start(List.of(java, "-Djava.awt.headless=false", "-cp", System.getProperty("java.class.path"),
                    TrayProbe.class.getName()), out);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe hung");
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("menu: Open last report|History|Open captures folder|-|Pause capturing|Quit|"), text);
            assertTrue(text.contains("calls: paused=true;quit;"), text);
            assertTrue(text.contains("history: K_ERR_KERNEL_OOPS in k_sched_unlock|"), text);
            assertTrue(text.contains("open-last enabled: false -> true"), text);
            assertTrue(text.contains("tooltip: zmk-agent: last crash K_ERR_CPU_EXCEPTION in foo"), text);
        }
    }
}
