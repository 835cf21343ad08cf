package dev.zmkagent.cli;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.dfu.DfuImage;
import dev.zmkagent.device.dfu.DfuTiming;
import dev.zmkagent.device.dfu.SerialDfu;
import dev.zmkagent.device.drive.DriveScanner;
import dev.zmkagent.device.drive.Uf2Drive;
import dev.zmkagent.device.flash.CheckOptions;
import dev.zmkagent.device.flash.CheckResult;
import dev.zmkagent.device.flash.DriveFlasher;
import dev.zmkagent.device.flash.FlashCheck;
import dev.zmkagent.device.flash.FlashRefusedException;
import dev.zmkagent.device.flash.FolderDumpSaver;
import dev.zmkagent.device.flash.PendingDump;
import dev.zmkagent.device.flash.PreFlashCapture;
import dev.zmkagent.device.flash.SavedDump;
import dev.zmkagent.device.flash.TerminalProgress;
import dev.zmkagent.device.flash.Uf2Writer;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.info.DeviceInventory;
import dev.zmkagent.device.info.FoundDevice;
import dev.zmkagent.device.serial.JSerialCommLink;
import dev.zmkagent.device.uf2.Uf2File;
import dev.zmkagent.coredump.bytes.FormatException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "flash",
        description = {"Flash a ZMK firmware UF2 (the zmk_debug build) after checking it fits this board and bootloader:",
            "family ID, application start for the installed SoftDevice, the bootloader's writable window, and the",
            "coredump partition. A dump still on the device is saved first. --dfu uses the serial bootloader instead."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent flash zmk.uf2 --dry-run",
            "  zmk-agent flash zmk.uf2 --elf zmk.elf",
            "  zmk-agent flash zmk.uf2 --device /run/media/$USER/NICENANO",
            "  zmk-agent flash zmk.uf2 --dfu --port /dev/ttyACM0",
            "",
            "Exit codes: 0 flashed (or dry run passed), 1 the device did not take it, 2 refused or bad input."},
        mixinStandardHelpOptions = true)
final class FlashCommand implements Callable<Integer> {
    /** Zephyr symbols that exist only when coredump support is linked in. */
    static final List<String> COREDUMP_SYMBOLS = List.of("z_coredump", "coredump", "arch_coredump_info_dump", "coredump_backend_flash_partition");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FIRMWARE.uf2", description = "The firmware UF2 (a ZMK build artifact).")
    Path firmware;

    @Option(names = {"-d", "--device"}, paramLabel = "D", description = "The bootloader drive: its folder or volume label (default: the only one found).")
    String device;

    @Option(names = "--dry-run", description = "Do every check (and look for dumps to save) but write nothing.")
    boolean dryRun;

    @Option(names = {"-e", "--elf"}, paramLabel = "ELF", description = "The firmware's zmk.elf, to check that coredumps are compiled in.")
    Path elf;

    @Option(names = "--variant", paramLabel = "NAME", description = "The catalog variant this firmware is (zmk, zmk_debug, ...), when not zmk_debug.")
    String variant;

    @Option(names = "--captures", paramLabel = "DIR", description = "Where dumps found before flashing are saved (default: $XDG_DATA_HOME/zmk-agent/captures).")
    Path captures;

    @Option(names = "--dfu", description = "Flash over the bootloader's serial port (serial DFU) instead of the drive.")
    boolean dfu;

    @Option(names = {"-p", "--port"}, paramLabel = "P", description = "Serial port for --dfu (default: the only bootloader port found).")
    String port;

    @Option(names = "--board", paramLabel = "ID", description = "Board for --dfu when the port's USB ID does not say (nice_nano, xiao_ble).")
    String board;

    @Option(names = "--leave-timeout", hidden = true, defaultValue = "15", description = "Seconds to wait for the drive to leave.")
    int leaveTimeout;

    @Option(names = "--dfu-pacing", hidden = true, defaultValue = "1.0", description = "Scale of the DFU pauses (0 for simulators).")
    double dfuPacing;

    @Mixin
    DeviceOptions where = new DeviceOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] bytes = Files.readAllBytes(firmware);
        CheckOptions options = new CheckOptions(Optional.ofNullable(variant), elfHasCoredump(), Optional.empty());
        try {
            return dfu ? viaDfu(bytes, options, out, err) : viaDrive(bytes, options, out, err);
        } catch (FlashRefusedException e) {
            err.println("zmk-agent: flash refused: " + e.getMessage());
            return ErrorHandler.BAD_INPUT;
        }
    }

    private int viaDrive(byte[] bytes, CheckOptions options, PrintWriter out, PrintWriter err) throws Exception {
        Uf2Drive drive = pickDrive();
        Path base = captures != null ? captures : FolderDumpSaver.defaultBase(System.getenv());
        DriveFlasher flasher = new DriveFlasher(new FolderDumpSaver(base), new PreFlashCapture(Clock.systemUTC()),
                new Uf2Writer(Duration.ofSeconds(leaveTimeout), Duration.ofMillis(100)));
        DriveFlasher.Plan plan = flasher.plan(drive, bytes, options);
        BootloaderTarget t = plan.target();
        out.printf("Target: %s, bootloader %s, %s, application at 0x%X, writable 0x%X-0x%X (%s)%n", t.board().name(),
                t.bootloaderVersion().orElse("?"), t.softDevice().map(Object::toString).orElse("SoftDevice unknown"), t.appStart(),
                t.window().start(), t.window().end(), drive.root());
        plan.check().warnings().forEach(w -> err.println("zmk-agent: warning: " + w));
        plan.check().throwIfRefused();
        CheckResult c = plan.check();
        out.printf("Firmware: %d blocks, 0x%X-0x%X%s: checks passed%n", c.blocks(), c.firstAddress(), c.endAddress(),
                c.variant().map(v -> ", layout " + v.name()).orElse(""));
        for (PendingDump d : plan.dumps()) {
            out.printf("The device holds a %s coredump at 0x%X (sha256 %s)%s%n", d.valid() ? "complete" : "partial", d.partitionStart(),
                    d.sha256().substring(0, 16), dryRun ? ": it would be saved before flashing" : ": saving it first");
        }
        if (dryRun) {
            out.printf("Dry run: nothing written. A real run writes %s.%n", drive.root().resolve("NEW.UF2"));
            return 0;
        }
        DriveFlasher.Report r = flasher.execute(plan, TerminalProgress.forConsole());
        for (SavedDump s : r.saved()) {
            out.println((s.alreadySaved() ? "Dump already saved: " : "Dump saved: ") + s.location());
        }
        out.printf("Wrote %d of %d blocks to %s%s%n", r.outcome().blocksWritten(), r.outcome().blocksTotal(), drive.root().resolve("NEW.UF2"),
                r.outcome().disconnectAfterLast() ? " (the drive disconnected during the final flush, as expected)" : "");
        if (!r.outcome().success()) {
            err.println("zmk-agent: error: " + r.outcome().message());
            return 1;
        }
        out.println("Done: " + r.outcome().message() + ".");
        return 0;
    }

    private Uf2Drive pickDrive() {
        DeviceInventory.Sources s = where.sources();
        List<Uf2Drive> drives = new DriveScanner(BoardCatalog.builtin(), s.roots()).scan();
        if (device != null) {
            Path asPath = Path.of(device);
            Optional<Uf2Drive> hit = drives.stream().filter(d -> d.label().equalsIgnoreCase(device) || d.root().equals(asPath.toAbsolutePath().normalize()))
                    .findFirst();
            if (hit.isEmpty() && Files.isDirectory(asPath)) {
                hit = new DriveScanner(BoardCatalog.builtin(), s.roots()).inspect(asPath.toAbsolutePath().normalize());
            }
            return hit.orElseThrow(() -> new FormatException("no UF2 bootloader drive at " + device + " (no INFO_UF2.TXT there)"));
        }
        if (drives.isEmpty()) {
            List<String> unmounted = new DeviceInventory(BoardCatalog.builtin(), s).scan().devices().stream()
                    .filter(d -> d.kind() == FoundDevice.Kind.BOOTLOADER_UNMOUNTED).map(d -> d.blockDevice().get().mountCommand()).toList();
            throw new FormatException("no UF2 bootloader drive found" + (unmounted.isEmpty()
                    ? ": double-tap reset to enter the bootloader, then try again (zmk-agent devices shows what is seen)"
                    : ": one is attached but not mounted, run `" + unmounted.get(0) + "`"));
        }
        if (drives.size() > 1) {
            throw new FormatException("more than one bootloader drive (" + String.join(", ", drives.stream().map(d -> d.root().toString()).toList())
                    + "): choose one with --device");
        }
        return drives.get(0);
    }

    private int viaDfu(byte[] bytes, CheckOptions options, PrintWriter out, PrintWriter err) throws Exception {
        DeviceInventory.Inventory inv = new DeviceInventory(BoardCatalog.builtin(), where.sources()).scan();
        List<FoundDevice> serial = inv.devices().stream().filter(d -> d.serialPort().isPresent() && d.kind() != FoundDevice.Kind.KEYBOARD).toList();
        String path = port;
        Optional<FoundDevice> found = serial.stream().filter(d -> path == null || d.serialPort().get().path().equals(path)).findFirst();
        if (path == null) {
            if (serial.size() != 1) {
                throw new FormatException(serial.isEmpty() ? "no bootloader serial port found: give it with --port"
                        : "more than one bootloader serial port: choose one with --port");
            }
        }
        String portPath = path != null ? path : found.get().serialPort().get().path();
        Board b = board != null ? BoardCatalog.builtin().byId(board).orElseThrow(() -> new FormatException("board " + board + " is not in the catalog"))
                : found.flatMap(FoundDevice::board).orElseThrow(() -> new FormatException(
                        "cannot tell the board behind " + portPath + " from its USB ID: give it with --board"));
        Optional<Long> family = found.flatMap(FoundDevice::usb).map(u -> ((long) u.vid() << 16) | u.pid())
                .or(() -> found.flatMap(FoundDevice::serialPort).flatMap(p -> p.usb()).map(u -> ((long) u.vid() << 16) | u.pid()));
        BootloaderTarget t = BootloaderTarget.of(BoardCatalog.builtin(), b, Optional.empty(), family);
        Uf2File uf2;
        try {
            uf2 = Uf2File.parse(ByteView.of(bytes));
        } catch (FormatException e) {
            throw new FormatException("not a valid UF2 file: " + e.getMessage());
        }
        CheckResult c = FlashCheck.check(uf2, t, options);
        out.printf("Target: %s over serial DFU at %s, %s (catalog default), application at 0x%X%n", b.name(), portPath,
                t.softDevice().map(Object::toString).orElse("?"), t.appStart());
        c.warnings().forEach(w -> err.println("zmk-agent: warning: " + w));
        c.throwIfRefused();
        DfuImage image = DfuImage.fromUf2(uf2, t.acceptedFamilies(), t.appStart(), t.window().end());
        out.printf("Firmware: %d bytes from 0x%X: checks passed (the serial bootloader cannot be read, so stored dumps are not saved)%n",
                image.bytes().length, image.start());
        if (dryRun) {
            out.println("Dry run: nothing sent.");
            return 0;
        }
        DfuTiming hw = DfuTiming.hardware();
        DfuTiming timing = new DfuTiming(dfuPacing == 0 ? Duration.ofMillis(300) : hw.ackTimeout(), hw.maxTries(), dfuPacing, hw.leaveTimeout());
        try (JSerialCommLink link = JSerialCommLink.open(portPath)) {
            SerialDfu.Result r = new SerialDfu(link, timing, TerminalProgress.forConsole()).flash(image.bytes());
            out.printf("Done: sent %d bytes in %d packets%s; the bootloader accepted the image and started it.%n", r.bytes(), r.packets(),
                    r.resends() > 0 ? " (" + r.resends() + " resent)" : "");
            return 0;
        } catch (dev.zmkagent.device.dfu.DfuException e) {
            err.println("zmk-agent: error: " + e.getMessage());
            return 1;
        }
    }

    private Optional<Boolean> elfHasCoredump() throws Exception {
        if (elf == null) {
            return Optional.empty();
        }
        ElfFile f = ElfFile.parse(ByteView.of(Files.readAllBytes(elf)));
        for (String s : COREDUMP_SYMBOLS) {
            if (f.symbols().byName(s).isPresent()) {
                return Optional.of(true);
            }
        }
        return Optional.of(false);
    }

}
