package dev.zmkagent.device.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.sim.BootloaderProfile;
import dev.zmkagent.device.sim.FolderUf2Drive;
import dev.zmkagent.device.sim.SimFlash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriveDiscoveryTest {
    @TempDir
    Path tmp;

    @Test
    void findsASimulatedNiceNanoInAMediaRootWithBoardVersionAndWindow() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media/user"));
        Files.writeString(Files.createDirectories(media.resolve("USB-STICK")).resolve("notes.txt"), "not a bootloader");
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(media, BootloaderProfile.niceNano("0.6.0"), new SimFlash())) {
            sim.attach();
            List<Uf2Drive> drives = new DriveScanner(BoardCatalog.builtin(), DriveRoots.only(List.of(media))).scan();
            assertEquals(1, drives.size());
            Uf2Drive d = drives.get(0);
            assertEquals("NICENANO", d.label());
            assertEquals("nice_nano", d.target().orElseThrow().board().id());
            assertEquals(Optional.of("0.6.0"), d.info().bootloaderVersion());
            assertEquals(0xAD000, d.target().get().window().end());
            assertEquals(0x26000, d.target().get().appStart());
            assertEquals(Optional.of(0x239A00B3L), d.familyFromCurrentUf2());
            assertTrue(d.usable(), d.problems().toString());
        }
    }

    @Test
    void infoFileNameIsCaseInsensitiveAndUnknownBoardsAreExplained() throws Exception {
        Path media = tmp.resolve("media");
        Path drive = Files.createDirectories(media.resolve("FTHR840BOOT"));
        Files.writeString(drive.resolve("info_uf2.txt"), "UF2 Bootloader 0.9.0\r\nModel: Adafruit Feather nRF52840\r\nBoard-ID: nRF52840-Feather-revD\r\n");
        Uf2Drive d = new DriveScanner(BoardCatalog.builtin(), DriveRoots.only(List.of(media))).scan().get(0);
        assertFalse(d.usable());
        assertTrue(d.problems().stream().anyMatch(p -> p.contains("board not recognised")), d.problems().toString());
        assertTrue(d.problems().stream().anyMatch(p -> p.contains("no CURRENT.UF2")));
    }

    @Test
    void mountTableCandidatesAreFatOrFuseMountsWithEscapesUndone() throws Exception {
        Path mp = Files.createDirectories(tmp.resolve("run media/XIAO-SENSE"));
        try (FolderUf2Drive sim = new FolderUf2Drive(mp, BootloaderProfile.xiaoSenseFactory(), new SimFlash())) {
            sim.attach();
            Path mounts = tmp.resolve("mounts");
            Files.writeString(mounts, "proc /proc proc rw 0 0\n"
                    + "/dev/sdb " + mp.toString().replace(" ", "\\040") + " vfat rw,nosuid,uid=1000,flush,uhelper=udisks2 0 0\n"
                    + "tmpfs /tmp tmpfs rw 0 0\n");
            DriveScanner s = new DriveScanner(BoardCatalog.builtin(), new DriveRoots(Optional.of(mounts), List.of(), List.of()));
            assertEquals(1, s.candidates().size());
            Uf2Drive d = s.scan().get(0);
            assertEquals("XIAO-SENSE", d.label());
            assertEquals("xiao_ble", d.target().orElseThrow().board().id());
            assertEquals(0x27000, d.target().get().appStart());
            assertEquals(Optional.of(0x28860045L), d.familyFromCurrentUf2());
        }
    }

    @Test
    void macOsLooksInVolumesWhereEachDriveIsMountedUnderItsLabel() throws Exception {
        DriveRoots mac = DriveRoots.forPlatform("Mac OS X", Map.of("USER", "kim"), List::of);
        assertEquals(List.of(Path.of("/Volumes")), mac.mediaRoots());
        assertTrue(mac.mountTable().isEmpty());
        assertTrue(mac.driveRoots().isEmpty());
        // a recorded /Volumes: the bootloader drive next to the system volume
        Path volumes = Files.createDirectories(tmp.resolve("Volumes"));
        Files.createDirectories(volumes.resolve("Macintosh HD/System"));
        try (FolderUf2Drive sim = FolderUf2Drive.inMediaRoot(volumes, BootloaderProfile.niceNano("0.6.1"), new SimFlash())) {
            sim.attach();
            List<Uf2Drive> drives = new DriveScanner(BoardCatalog.builtin(), new DriveRoots(Optional.empty(), List.of(volumes), List.of())).scan();
            assertEquals(1, drives.size());
            assertEquals("NICENANO", drives.get(0).label());
            assertEquals("nice_nano", drives.get(0).target().orElseThrow().board().id());
        }
    }

    @Test
    void windowsChecksEveryDriveLetterAndNamesItByItsVolumeLabel() throws Exception {
        // recorded drive letters: C: (the system) and E: (the bootloader, volume label XIAO-SENSE)
        Path c = Files.createDirectories(tmp.resolve("C"));
        Files.createDirectories(c.resolve("Windows"));
        Path e = Files.createDirectories(tmp.resolve("E"));
        DriveRoots win = DriveRoots.forPlatform("Windows 11", Map.of("USERNAME", "kim"), () -> List.of(c, e));
        assertEquals(List.of(c, e), win.driveRoots());
        assertTrue(win.mediaRoots().isEmpty());
        assertTrue(win.mountTable().isEmpty());
        Map<Path, String> labels = Map.of(c.toAbsolutePath(), "Windows", e.toAbsolutePath(), "XIAO-SENSE");
        try (FolderUf2Drive sim = new FolderUf2Drive(e, BootloaderProfile.xiaoSenseFactory(), new SimFlash())) {
            sim.attach();
            List<Uf2Drive> drives = new DriveScanner(BoardCatalog.builtin(), win, labels::get).scan();
            assertEquals(1, drives.size());
            assertEquals(e.toAbsolutePath(), drives.get(0).root());
            assertEquals("XIAO-SENSE", drives.get(0).label());
            assertEquals("xiao_ble", drives.get(0).target().orElseThrow().board().id());
        }
    }

    @Test
    void environmentVariableReplacesTheDefaultRoots() {
        DriveRoots r = DriveRoots.fromEnvironment(Map.of(DriveRoots.ENV_MEDIA_ROOTS, "/a" + java.io.File.pathSeparator + "/b"));
        assertEquals(List.of(Path.of("/a"), Path.of("/b")), r.mediaRoots());
        assertTrue(r.mountTable().isEmpty());
        DriveRoots linux = DriveRoots.fromEnvironment(Map.of("USER", "kim"));
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertTrue(linux.mediaRoots().contains(Path.of("/run/media/kim")));
            assertTrue(linux.mediaRoots().contains(Path.of("/media/kim")));
        }
    }

    @Test
    void unmountedBootloaderBlockDevicesGetTheMountCommand() throws Exception {
        Path sys = tmp.resolve("sys");
        Path usbDev = Files.createDirectories(sys.resolve("devices/pci0000:00/usb1/1-2"));
        Files.writeString(usbDev.resolve("idVendor"), "239a\n");
        Files.writeString(usbDev.resolve("idProduct"), "00b3\n");
        Path scsi = Files.createDirectories(usbDev.resolve("1-2:1.2/host0/target0:0:0/0:0:0:0"));
        Files.writeString(scsi.resolve("vendor"), "Adafruit\n");
        Files.writeString(scsi.resolve("model"), "nRF UF2         \n");
        Path sdb = Files.createDirectories(sys.resolve("block/sdb"));
        Files.createSymbolicLink(sdb.resolve("device"), scsi);
        Path sda = Files.createDirectories(sys.resolve("block/sda/device"));
        Files.writeString(sda.resolve("vendor"), "ATA     \n");
        Files.writeString(sda.resolve("model"), "Samsung SSD\n");
        Path sdc = Files.createDirectories(sys.resolve("block/sdc/device"));
        Files.writeString(sdc.resolve("vendor"), "Adafruit\n");
        Files.writeString(sdc.resolve("model"), "nRF UF2\n");

        MountTable mounts = MountTable.parse("/dev/sdc /run/media/kim/XIAO-BOOT vfat rw 0 0\n");
        List<BlockDevice> found = new BlockDeviceScanner(sys, mounts).scan();
        found = found.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
        assertEquals(2, found.size());
        BlockDevice b = found.get(0);
        assertEquals("sdb", b.name());
        assertFalse(b.mounted());
        assertEquals("udisksctl mount -b /dev/sdb", b.mountCommand());
        assertEquals(Optional.of("239a:00b3"), b.usbVidPid());
        assertEquals(Optional.of("/run/media/kim/XIAO-BOOT"), found.get(1).mountPoint());
    }

    @Test
    void mountPointEscapes() {
        assertEquals("/media/a b\\c", MountTable.unescape("/media/a\\040b\\134c"));
    }
}
