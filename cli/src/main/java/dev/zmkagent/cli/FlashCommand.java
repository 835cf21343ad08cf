package dev.zmkagent.cli;

import dev.zmkagent.agent.flash.FlashJob;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.dfu.DfuException;
import dev.zmkagent.device.dfu.DfuImage;
import dev.zmkagent.device.dfu.SerialDfu;
import dev.zmkagent.device.flash.CheckOptions;
import dev.zmkagent.device.flash.CheckResult;
import dev.zmkagent.device.flash.DriveFlasher;
import dev.zmkagent.device.flash.FlashRefusedException;
import dev.zmkagent.device.flash.PendingDump;
import dev.zmkagent.device.flash.Refusal;
import dev.zmkagent.device.flash.SavedDump;
import dev.zmkagent.device.flash.TerminalProgress;
import dev.zmkagent.device.info.BootloaderTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "flash",
        header = "Flash a firmware UF2 (drive or serial DFU) after safety checks.",
        description = {"Flash a ZMK firmware UF2 (the zmk_debug build) after checking it fits this board and bootloader: "
                + "family ID, application start for the installed SoftDevice, the bootloader's writable window, and the "
                + "coredump partition. A dump still on the device is captured first, like `zmk-agent capture` "
                + "(analyzed, stored once, in `history`). --dfu uses the serial bootloader instead."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent flash zmk.uf2 --dry-run",
            "  zmk-agent flash zmk.uf2 --elf zmk.elf",
            "  zmk-agent flash zmk.uf2 --device /run/media/$USER/NICENANO",
            "  zmk-agent flash zmk.uf2 --dfu --port /dev/ttyACM0",
            "",
            "Exit codes: 0 flashed (or dry run passed), 1 the device did not take it, 2 refused or bad input."},
        mixinStandardHelpOptions = true)
final class FlashCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FIRMWARE.uf2", description = "The firmware UF2 (a ZMK build artifact).")
    Path firmware;

    @Option(names = {"-d", "--device"}, paramLabel = "D", description = "The bootloader drive: its folder or volume label (default: the only one found).")
    String device;

    @Option(names = "--dry-run", description = "Do every check (and look for dumps to save) but write nothing.")
    boolean dryRun;

    @Option(names = {"-e", "--elf"}, paramLabel = "ELF", description = "The firmware's zmk.elf, to check that coredumps are compiled in and that a .uf2 is a build of it.")
    Path elf;

    @Option(names = "--variant", paramLabel = "NAME", description = "The catalog variant this firmware is (zmk, zmk_debug, ...), when not zmk_debug.")
    String variant;

    @Option(names = "--dfu", description = "Flash over the bootloader's serial port (serial DFU) instead of the drive.")
    boolean dfu;

    @Option(names = {"-p", "--port"}, paramLabel = "P", description = "Serial port for --dfu (default: the only bootloader port found).")
    String port;

    @Option(names = "--board", paramLabel = "ID", description = "Board for --dfu when the port's USB ID does not say (nice_nano, xiao_ble).")
    String board;

    @Option(names = "--no-dump-check", description = "Flash even when the drive has no CURRENT.UF2, so a coredump still on the device"
            + " cannot be saved first (it may be destroyed).")
    boolean noDumpCheck;

    @Option(names = "--no-softdevice-check", description = "Flash even when INFO_UF2.TXT says the SoftDevice is not found (the firmware"
            + " cannot run until it is restored).")
    boolean noSoftDeviceCheck;

    @Option(names = "--leave-timeout", hidden = true, defaultValue = "15", description = "Seconds to wait for the drive to leave.")
    int leaveTimeout;

    @Option(names = "--dfu-pacing", hidden = true, defaultValue = "1.0", description = "Scale of the DFU pauses (0 for simulators).")
    double dfuPacing;

    @Mixin
    DeviceOptions where = new DeviceOptions();

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] bytes = FlashJob.readFirmware(firmware);
        EnumSet<CheckOptions.Waiver> waived = EnumSet.noneOf(CheckOptions.Waiver.class);
        if (noDumpCheck) {
            waived.add(CheckOptions.Waiver.DUMP_CHECK);
        }
        if (noSoftDeviceCheck) {
            waived.add(CheckOptions.Waiver.SOFTDEVICE_CHECK);
        }
        CheckOptions options = FlashJob.checkOptions(Optional.ofNullable(variant), Optional.ofNullable(elf), Optional.of(Map.entry(firmware, bytes)), waived);
        FlashJob job = new FlashJob(BoardCatalog.builtin(), where.sources(), data.store(), Clock.systemUTC());
        try {
            return dfu ? viaDfu(job, bytes, options, out, err) : viaDrive(job, bytes, options, out, err);
        } catch (FlashRefusedException e) {
            err.println("zmk-agent: flash refused: " + e.getMessage());
            return ErrorHandler.BAD_INPUT;
        }
    }

    private int viaDrive(FlashJob job, byte[] bytes, CheckOptions options, PrintWriter out, PrintWriter err) throws Exception {
        FlashJob.DrivePlan p = job.planDrive(Optional.ofNullable(device), bytes, options, Duration.ofSeconds(leaveTimeout));
        BootloaderTarget t = p.plan().target();
        out.printf("Target: %s, bootloader %s, %s, application at 0x%X, writable 0x%X-0x%X (%s)%n", t.board().name(),
                t.bootloaderVersion().orElse("?"), t.softDevice().map(Object::toString).orElse("SoftDevice unknown"), t.appStart(),
                t.window().start(), t.window().end(), p.drive().root());
        CheckResult c = p.plan().check();
        c.warnings().forEach(w -> err.println("zmk-agent: warning: " + w));
        c.throwIfRefused();
        if (p.plan().dumpCheck() == DriveFlasher.DumpCheck.WAIVED) {
            err.println("zmk-agent: warning: the drive has no CURRENT.UF2: a coredump still on the device is not saved (--no-dump-check)");
        }
        if (p.plan().dumpCheck() == DriveFlasher.DumpCheck.SKIPPED && !dryRun) {
            throw new FlashRefusedException(List.of(new Refusal(Refusal.Rule.DUMP_UNREADABLE, DriveFlasher.DUMP_UNREADABLE)));
        }
        out.printf("Firmware: %d blocks, 0x%X-0x%X%s: checks passed%s%n", c.blocks(), c.firstAddress(), c.endAddress(),
                c.variant().map(v -> ", layout " + v.name()).orElse(""), p.plan().dumpCheck() == DriveFlasher.DumpCheck.SKIPPED
                        ? "; the unsaved-dump check was skipped: the drive has no CURRENT.UF2 (a real flash refuses without --no-dump-check)" : "");
        for (PendingDump d : p.plan().dumps()) {
            out.printf("The device holds a %s coredump at 0x%X (sha256 %s)%s%n", d.condition(), d.partitionStart(),
                    d.sha256().substring(0, 16), dryRun ? ": it would be captured before flashing" : ": capturing it first");
        }
        if (dryRun) {
            out.printf("Dry run: nothing written. A real run writes %s.%n", p.newUf2());
            return 0;
        }
        DriveFlasher.Report r = job.flash(p, TerminalProgress.forConsole());
        for (SavedDump s : r.saved()) {
            out.println(s.alreadySaved() ? "Already captured as " + s.location() + " (same partition content); nothing new stored."
                    : "Captured as " + s.location() + " (report.txt in it; see zmk-agent history)");
        }
        out.printf("Wrote %d of %d blocks to %s%s%n", r.outcome().blocksWritten(), r.outcome().blocksTotal(), p.newUf2(),
                r.outcome().disconnectAfterLast() ? " (the drive disconnected during the final flush, as expected)" : "");
        if (!r.outcome().success()) {
            err.println("zmk-agent: error: " + r.outcome().message());
            return 1;
        }
        out.println("Done: " + r.outcome().message() + ".");
        return 0;
    }

    private int viaDfu(FlashJob job, byte[] bytes, CheckOptions options, PrintWriter out, PrintWriter err) throws Exception {
        FlashJob.DfuPlan p = job.planDfu(Optional.ofNullable(port), Optional.ofNullable(board), bytes, options);
        BootloaderTarget t = p.target();
        out.printf("Target: %s over serial DFU at %s, %s (catalog default), application at 0x%X%n", p.board().name(), p.port(),
                t.softDevice().map(Object::toString).orElse("?"), t.appStart());
        p.check().warnings().forEach(w -> err.println("zmk-agent: warning: " + w));
        p.check().throwIfRefused();
        DfuImage image = p.image().orElseThrow();
        out.printf("Firmware: %d bytes from 0x%X: checks passed (the serial bootloader cannot be read, so stored dumps are not saved)%n",
                image.bytes().length, image.start());
        if (dryRun) {
            out.println("Dry run: nothing sent.");
            return 0;
        }
        try {
            SerialDfu.Result r = job.flash(p, dfuPacing, TerminalProgress.forConsole());
            out.printf("Done: sent %d bytes in %d packets%s; the bootloader accepted the image and started it.%n", r.bytes(), r.packets(),
                    r.resends() > 0 ? " (" + r.resends() + " resent)" : "");
            return 0;
        } catch (DfuException e) {
            err.println("zmk-agent: error: " + e.getMessage());
            return 1;
        }
    }
}
