package dev.zmkagent.agent.flash;

import dev.zmkagent.agent.analyze.ElfIdentityCheck;
import dev.zmkagent.agent.capture.StoreDumpSaver;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
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
import dev.zmkagent.device.flash.PreFlashCapture;
import dev.zmkagent.device.flash.ProgressListener;
import dev.zmkagent.device.flash.Uf2Writer;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.info.DeviceInventory;
import dev.zmkagent.device.info.FoundDevice;
import dev.zmkagent.device.serial.JSerialCommLink;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.zmkagent.agent.io.UserFiles;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code zmk-agent flash}: picks the device, plans (checks the firmware against the board and bootloader, finds dumps
 * the device still holds) and flashes; over the bootloader drive or over serial DFU. A dump found before a drive
 * flash is saved into the capture store, so it is an ordinary capture: analyzed, with its reports, in
 * {@code history}, and not stored twice. {@code plan*} reads but never writes (that is the dry run).
 */
public final class FlashJob {
    /** Zephyr symbols that exist only when coredump support is linked in. */
    public static final List<String> COREDUMP_SYMBOLS = List.of("z_coredump", "coredump", "arch_coredump_info_dump", "coredump_backend_flash_partition");

    private final BoardCatalog catalog;
    private final DeviceInventory.Sources sources;
    private final CaptureStore store;
    private final Clock clock;

    public FlashJob(BoardCatalog catalog, DeviceInventory.Sources sources, CaptureStore store, Clock clock) {
        this.catalog = catalog;
        this.sources = sources;
        this.store = store;
        this.clock = clock;
    }

    /**
     * The checks' options: the catalog variant named by the user, whether the new firmware's ELF links coredump
     * support, and the safety checks the user explicitly waived.
     */
    public static CheckOptions checkOptions(Optional<String> variant, Optional<Path> elf, Set<CheckOptions.Waiver> waived) throws IOException {
        return checkOptions(variant, elf, Optional.empty(), waived);
    }

    /**
     * As above; with the firmware file ({@code firmware}: its name and bytes) a .uf2 must also be a build of the ELF
     * (the same check as {@code firmware add}: only the bytes the ELF defines, so a gap-filled zmk.uf2 passes).
     */
    public static CheckOptions checkOptions(Optional<String> variant, Optional<Path> elf, Optional<Map.Entry<Path, byte[]>> firmware,
            Set<CheckOptions.Waiver> waived) throws IOException {
        Optional<Boolean> hasCoredump = Optional.empty();
        if (elf.isPresent()) {
            ElfFile f;
            try {
                f = ElfFile.parse(ByteView.of(UserFiles.read(elf.get(), "ELF", UserFiles.MAX_INPUT)));
            } catch (FormatException e) {
                throw new FormatException(elf.get() + ": " + e.getMessage());
            }
            if (firmware.isPresent() && Uf2File.looksLikeUf2(ByteView.of(firmware.get().getValue()))) {
                ElfIdentityCheck.requireBuildOf(firmware.get().getKey().toString(),
                        Uf2File.parse(ByteView.of(firmware.get().getValue())).toFlashImage(), elf.get().toString(), f);
            }
            hasCoredump = Optional.of(COREDUMP_SYMBOLS.stream().anyMatch(s -> f.symbols().byName(s).isPresent()));
        }
        return new CheckOptions(variant, hasCoredump, Optional.empty(), waived);
    }

    /** The firmware UF2 the user wants flashed, bounded by what a bootloader can ever take. */
    public static byte[] readFirmware(Path uf2) throws IOException {
        return UserFiles.read(uf2, "firmware UF2", UserFiles.MAX_FIRMWARE_UF2);
    }

    // ---- over the bootloader drive ----

    /** A planned drive flash: what {@link #flash(DrivePlan, ProgressListener)} will do. */
    public record DrivePlan(Uf2Drive drive, DriveFlasher.Plan plan, DriveFlasher flasher) {
        public Path newUf2() {
            return drive.root().resolve("NEW.UF2");
        }
    }

    /** Finds the drive ({@code device}: a volume label or folder; empty = the only one), checks and looks for dumps. */
    public DrivePlan planDrive(Optional<String> device, byte[] firmware, CheckOptions options, Duration leaveTimeout) throws IOException {
        Uf2Drive drive = pickDrive(device);
        DriveFlasher flasher = new DriveFlasher(new StoreDumpSaver(catalog, store), new PreFlashCapture(clock),
                new Uf2Writer(leaveTimeout, Duration.ofMillis(100)));
        return new DrivePlan(drive, flasher.plan(drive, firmware, options), flasher);
    }

    /** Saves the dumps into the capture store, then writes NEW.UF2. Refuses a plan with refusals. */
    public DriveFlasher.Report flash(DrivePlan p, ProgressListener progress) throws IOException {
        return p.flasher().execute(p.plan(), progress);
    }

    Uf2Drive pickDrive(Optional<String> device) {
        List<Uf2Drive> drives = new DriveScanner(catalog, sources.roots()).scan();
        if (device.isPresent()) {
            String d = device.get();
            Path asPath = Path.of(d).toAbsolutePath().normalize();
            Optional<Uf2Drive> hit = drives.stream().filter(x -> x.label().equalsIgnoreCase(d) || x.root().equals(asPath)).findFirst();
            if (hit.isEmpty() && Files.isDirectory(asPath)) {
                hit = new DriveScanner(catalog, sources.roots()).inspect(asPath);
            }
            return hit.orElseThrow(() -> new FormatException("no UF2 bootloader drive at " + d + " (no INFO_UF2.TXT there)"));
        }
        if (drives.isEmpty()) {
            List<String> unmounted = new DeviceInventory(catalog, sources).scan().devices().stream()
                    .filter(x -> x.kind() == FoundDevice.Kind.BOOTLOADER_UNMOUNTED).map(x -> x.blockDevice().get().mountCommand()).toList();
            throw new FormatException("no UF2 bootloader drive found" + (unmounted.isEmpty()
                    ? ": double-tap reset to enter the bootloader, then try again (zmk-agent devices shows what is seen)"
                    : ": one is attached but not mounted, run `" + unmounted.get(0) + "`"));
        }
        if (drives.size() > 1) {
            throw new FormatException("more than one bootloader drive (" + String.join(", ", drives.stream().map(x -> x.root().toString()).toList())
                    + "): choose one with --device");
        }
        return drives.get(0);
    }

    // ---- over serial DFU ----

    /**
     * A planned serial DFU flash; {@code image} is built only when the checks passed. The serial bootloader cannot be
     * read, so no dump is looked for.
     */
    public record DfuPlan(String port, Board board, BootloaderTarget target, CheckResult check, Optional<DfuImage> image) {
    }

    /**
     * Chooses the port ({@code port} empty = the only bootloader serial port) and the board ({@code boardId}, else
     * from the port's USB ID), checks the firmware and, when the checks pass, builds the DFU image.
     */
    public DfuPlan planDfu(Optional<String> port, Optional<String> boardId, byte[] firmware, CheckOptions options) {
        // What the user named is checked before anything is looked for, so a typo is named as the typo.
        Optional<Board> named = boardId.map(id -> catalog.byId(id).orElseThrow(() -> new FormatException("--board " + id
                + " is not a board in the catalog (known: " + String.join(", ", catalog.boards().stream().map(Board::id).toList()) + ")")));
        if (port.isPresent() && port.get().startsWith("/") && !Files.exists(Path.of(port.get()))) {
            throw new FormatException("--port " + port.get() + ": no such serial port (is the keyboard in its bootloader? 'zmk-agent devices'"
                    + " lists the ports found)");
        }
        DeviceInventory.Inventory inv = new DeviceInventory(catalog, sources).scan();
        List<FoundDevice> serial = inv.devices().stream().filter(d -> d.serialPort().isPresent() && d.kind() != FoundDevice.Kind.KEYBOARD).toList();
        Optional<FoundDevice> found = serial.stream().filter(d -> port.isEmpty() || d.serialPort().get().path().equals(port.get())).findFirst();
        if (port.isEmpty() && serial.size() != 1) {
            throw new FormatException(serial.isEmpty() ? "no bootloader serial port found: give it with --port"
                    : "more than one bootloader serial port: choose one with --port");
        }
        String portPath = port.orElseGet(() -> found.get().serialPort().get().path());
        Board b = named.isPresent() ? named.get()
                : found.flatMap(FoundDevice::board).orElseThrow(() -> new FormatException(
                        "cannot tell the board behind " + portPath + " from its USB ID: give it with --board"));
        Optional<Long> family = found.flatMap(FoundDevice::usb).map(u -> ((long) u.vid() << 16) | u.pid())
                .or(() -> found.flatMap(FoundDevice::serialPort).flatMap(p -> p.usb()).map(u -> ((long) u.vid() << 16) | u.pid()));
        BootloaderTarget t = BootloaderTarget.of(catalog, b, Optional.empty(), family);
        Uf2File uf2;
        try {
            uf2 = Uf2File.parse(ByteView.of(firmware));
        } catch (FormatException e) {
            throw new FormatException("not a valid UF2 file: " + e.getMessage());
        }
        CheckResult c = FlashCheck.check(uf2, t, options);
        Optional<DfuImage> image = c.ok() ? Optional.of(DfuImage.fromUf2(uf2, t.acceptedFamilies(), t.appStart(), t.window().end())) : Optional.empty();
        return new DfuPlan(portPath, b, t, c, image);
    }

    /** Sends the image; {@code pacing} scales the bootloader's pauses (0 for simulators). Refuses a plan with refusals. */
    public SerialDfu.Result flash(DfuPlan p, double pacing, ProgressListener progress) throws IOException {
        p.check().throwIfRefused();
        DfuTiming hw = DfuTiming.hardware();
        DfuTiming timing = new DfuTiming(pacing == 0 ? Duration.ofMillis(300) : hw.ackTimeout(), hw.maxTries(), pacing, hw.leaveTimeout());
        try (JSerialCommLink link = JSerialCommLink.open(p.port())) {
            return new SerialDfu(link, timing, progress).flash(p.image().orElseThrow().bytes());
        }
    }
}
