package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.device.sim.BootloaderProfile;
import dev.zmkagent.device.sim.FatImageUf2Drive;
import dev.zmkagent.device.sim.SimFlash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicesCommandTest {
    @TempDir
    Path tmp;

    private String[] isolated(String... more) throws Exception {
        Files.createDirectories(tmp.resolve("media"));
        Files.createDirectories(tmp.resolve("sys"));
        List<String> a = new java.util.ArrayList<>(List.of("devices", "--media-root", tmp.resolve("media").toString(),
                "--sysfs", tmp.resolve("sys").toString(), "--serial-port", ""));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void nothingFoundIsSaidAndExitsZero() throws Exception {
        CliRun r = CliRun.run(isolated());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("No keyboard or bootloader found"), r.out());
        assertTrue(r.out().contains("no USB bus"), r.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonListsAFusefatMountedNiceNanoWithBoardVersionAndWindow() throws Exception {
        assumeTrue(FatImageUf2Drive.available(), "fusefat, mtools or /dev/fuse missing (./test installs them)");
        try (FatImageUf2Drive sim = new FatImageUf2Drive(tmp.resolve("work"), tmp.resolve("media/NICENANO"), BootloaderProfile.niceNano("0.6.0"), new SimFlash())) {
            sim.attach();
            CliRun r = CliRun.run(isolated("--json"));
            assertEquals(0, r.exitCode(), r.err());
            Map<String, Object> root = JSON.std.mapFrom(r.out());
            assertEquals("zmk-agent.devices/1", root.get("schema"));
            List<Object> devices = (List<Object>) root.get("devices");
            assertEquals(1, devices.size(), r.out());
            Map<String, Object> d = (Map<String, Object>) devices.get(0);
            assertEquals("bootloader-drive", d.get("kind"));
            assertEquals("nice_nano", ((Map<String, Object>) d.get("board")).get("id"));
            assertEquals("0.6.0", ((Map<String, Object>) d.get("bootloader")).get("version"));
            assertEquals("nRF52840-nicenano", ((Map<String, Object>) d.get("bootloader")).get("board_id"));
            assertEquals(sim.root().toString(), ((Map<String, Object>) d.get("drive")).get("path"));
            assertEquals("0x239A00B3", ((Map<String, Object>) d.get("drive")).get("family"));
            assertEquals("S140 6.1.1", ((Map<String, Object>) d.get("soft_device")).get("name"));
            assertEquals("INFO_UF2.TXT", ((Map<String, Object>) d.get("soft_device")).get("source"));
            assertEquals("0x26000", d.get("app_start"));
            Map<String, Object> w = (Map<String, Object>) d.get("current_uf2_window");
            assertEquals("0x1000", w.get("start"));
            assertEquals("0xAD000", w.get("end"));
            assertEquals(2752, ((Number) w.get("blocks")).intValue());
            assertEquals(Boolean.TRUE, d.get("usable"));
        }
    }

    @Test
    void anUnmountedBootloaderComesWithTheCommandThatMountsIt() throws Exception {
        Path dev = Files.createDirectories(tmp.resolve("sys/block/sdd/device"));
        Files.writeString(dev.resolve("vendor"), "Adafruit\n");
        Files.writeString(dev.resolve("model"), "nRF UF2\n");
        CliRun r = CliRun.run(isolated());
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("udisksctl mount -b /dev/sdd"), r.out());
    }

    @Test
    void usbDevicesFromSysfsAreListedEvenWithoutADrive() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("sys/bus/usb/devices/3-1"));
        Files.writeString(d.resolve("idVendor"), "1d50\n");
        Files.writeString(d.resolve("idProduct"), "615e\n");
        Files.writeString(d.resolve("product"), "Corne\n");
        CliRun r = CliRun.run(isolated());
        assertTrue(r.out().contains("ZMK keyboard"), r.out());
        assertTrue(r.out().contains("enter the bootloader"), r.out());
    }
}
