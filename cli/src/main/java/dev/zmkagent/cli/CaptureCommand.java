package dev.zmkagent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.agent.capture.BootloaderDrive;
import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.watch.MediaRoots;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.coredump.report.JsonReport;
import dev.zmkagent.coredump.report.TextReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "capture",
        header = "Pull the coredump off a keyboard in bootloader mode, analyze it, keep it.",
        description = {"Pull the coredump off a keyboard in bootloader mode (double-tap reset), analyze it and keep it.",
            "Reads only the CURRENT.UF2 blocks of the coredump partition first and reports at once, then copies "
                + "the whole CURRENT.UF2 for the record (--region-only skips that). The capture is stored once under "
                + "the data folder; its ELF is found among the builds registered with 'zmk-agent firmware add'."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent capture", "  zmk-agent capture --device /media/$USER/NICENANO --region-only", "  zmk-agent capture --json",
            "", "Exit codes: 0 no dump on the device, 1 a crash was captured (or had been already), 2 bad input or no drive."},
        mixinStandardHelpOptions = true)
final class CaptureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--device"}, paramLabel = "DRIVE", description = "The bootloader drive's folder (default: the one drive found in the media folders).")
    Path device;

    @Option(names = "--full", description = "Copy the whole CURRENT.UF2 into the capture after the report (the default).")
    boolean full;

    @Option(names = "--region-only", description = "Read only the coredump partition (and a few blocks to recognise the firmware).")
    boolean regionOnly;

    @Option(names = "--json", description = "Print the outcome and the report as one JSON object.")
    boolean json;

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        if (full && regionOnly) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--full and --region-only cannot be used together");
        }
        BootloaderDrive drive = MediaRoots.findOne(java.util.Optional.ofNullable(device));
        PrintWriter out = spec.commandLine().getOut();
        CaptureListener listener = new CaptureListener() {
            final CaptureListener bar = json ? CaptureListener.NONE : ProgressBar.forTerminal("Copying CURRENT.UF2 for the record");

            @Override
            public void firstReport(BootloaderDrive d, CrashReport report, long bytesRead, long fileSize) {
                if (!json) {
                    out.printf("Read %d of %d bytes of CURRENT.UF2 (%.1f%%) before this report.%n%n", bytesRead, fileSize, bytesRead * 100.0 / fileSize);
                    out.print(TextReport.render(report, false));
                    out.println();
                    out.flush();
                }
            }

            @Override
            public void copyProgress(long done, long total) {
                bar.copyProgress(done, total);
            }
        };
        if (!json) {
            out.println("Capturing from " + drive + ".");
            out.flush();
        }
        CaptureOutcome o = new Capturer(BoardCatalog.builtin(), data.store(), data.registry(), !regionOnly).capture(drive, listener);
        if (json) {
            out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(toJson(o)));
        } else {
            switch (o.status()) {
                case NO_DUMP -> {
                    out.printf("No coredump on the device (read %d of %d bytes of CURRENT.UF2).%n", o.bytesBeforeReport(), o.currentUf2Size());
                    o.looked().forEach(l -> out.println("  " + l));
                    out.println("If the keyboard froze without a fault (a hang), Zephyr writes no dump: only faults, oopses, panics and failed asserts do.");
                }
                case ALREADY_CAPTURED -> out.println("Already captured as " + o.capture().orElseThrow().dir() + " (same partition content); nothing new stored.");
                case STORED -> {
                    out.println("Stored as " + o.capture().orElseThrow().dir());
                    o.capture().orElseThrow().notKept().forEach((file, why) -> out.println("  " + file + " was not kept: " + why));
                }
            }
        }
        out.flush();
        return o.status() == CaptureOutcome.Status.NO_DUMP ? 0 : 1;
    }

    static Map<String, Object> toJson(CaptureOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", o.status().name().toLowerCase().replace('_', '-'));
        m.put("drive", o.drive().root().toString());
        m.put("bytes_read_before_report", o.bytesBeforeReport());
        m.put("current_uf2_size", o.currentUf2Size());
        o.capture().ifPresent(c -> {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("id", c.id());
            cm.put("dir", c.dir().toString());
            cm.put("signature", c.signature());
            if (!c.notKept().isEmpty()) {
                cm.put("not_kept", c.metadata().get("not_kept"));
            }
            m.put("capture", cm);
        });
        if (o.status() == CaptureOutcome.Status.NO_DUMP) {
            m.put("looked", o.looked());
        }
        o.report().ifPresent(r -> m.put("report", JsonReport.toMap(r)));
        return m;
    }
}
