package dev.zmkagent.device.flash;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.drive.Uf2Drive;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole UF2 flash, in the order that loses nothing: check the firmware against the bootloader, find dumps the
 * device still holds, save them, and only then write NEW.UF2. {@link #plan} reads but never writes (that is the dry
 * run); {@link #execute} refuses a plan with refusals.
 */
public final class DriveFlasher {
    private final DumpSaver saver;
    private final PreFlashCapture capture;
    private final Uf2Writer writer;

    public DriveFlasher(DumpSaver saver, PreFlashCapture capture, Uf2Writer writer) {
        this.saver = saver;
        this.capture = capture;
        this.writer = writer;
    }

    /**
     * @param dumpCheck whether the coredump partitions could be read for dumps to save first
     */
    public record Plan(Uf2Drive drive, BootloaderTarget target, byte[] firmware, CheckResult check, List<PendingDump> dumps, DumpCheck dumpCheck) {
    }

    /** The look for unsaved dumps: done, impossible (no CURRENT.UF2; a real flash refuses), or impossible and waived by the user. */
    public enum DumpCheck {
        DONE,
        SKIPPED,
        WAIVED
    }

    /** Why a plan with {@link DumpCheck#SKIPPED} is refused. */
    public static final String DUMP_UNREADABLE = "the drive has no CURRENT.UF2, so a coredump still on the device cannot be read and saved"
            + " first and flashing may destroy it: pass --no-dump-check to flash anyway";

    public record Report(Plan plan, List<SavedDump> saved, FlashOutcome outcome) {
    }

    public Plan plan(Uf2Drive drive, byte[] firmware, CheckOptions options) throws IOException {
        if (drive.target().isEmpty()) {
            throw new FlashRefusedException(List.of(new Refusal(Refusal.Rule.FAMILY, "cannot flash " + drive.root() + ": "
                    + (drive.problems().isEmpty() ? "board unknown" : drive.problems().get(0)))));
        }
        BootloaderTarget target = drive.target().get();
        Uf2File uf2;
        try {
            uf2 = Uf2File.parse(ByteView.of(firmware));
        } catch (FormatException e) {
            throw new FlashRefusedException(List.of(new Refusal(Refusal.Rule.NOT_UF2, "not a valid UF2 file: " + e.getMessage())));
        }
        List<PendingDump> dumps = drive.currentUf2().isPresent() ? capture.find(drive.currentUf2().get(), target) : List.of();
        Optional<String> dumpVariant = dumps.stream().map(PendingDump::variant).findFirst();
        CheckResult check = FlashCheck.check(uf2, target, options.withDumpVariant(dumpVariant));
        DumpCheck dumpCheck = drive.currentUf2().isPresent() ? DumpCheck.DONE
                : options.waives(CheckOptions.Waiver.DUMP_CHECK) ? DumpCheck.WAIVED : DumpCheck.SKIPPED;
        return new Plan(drive, target, firmware, check, dumps, dumpCheck);
    }

    public Report execute(Plan plan, ProgressListener progress) throws IOException {
        plan.check().throwIfRefused();
        if (plan.dumpCheck() == DumpCheck.SKIPPED) {
            throw new FlashRefusedException(List.of(new Refusal(Refusal.Rule.DUMP_UNREADABLE, DUMP_UNREADABLE)));
        }
        List<SavedDump> saved = new ArrayList<>();
        for (PendingDump d : plan.dumps()) {
            saved.add(saver.save(d));
        }
        FlashOutcome outcome = writer.write(plan.drive().root(), plan.firmware(), progress);
        return new Report(plan, List.copyOf(saved), outcome);
    }
}
