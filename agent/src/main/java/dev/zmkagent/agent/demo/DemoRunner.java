package dev.zmkagent.agent.demo;

import dev.zmkagent.agent.capture.BootloaderDrive;
import dev.zmkagent.agent.capture.CaptureListener;
import dev.zmkagent.agent.capture.CaptureOutcome;
import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.capture.CrashSignatures;
import dev.zmkagent.agent.capture.StoreDumpSaver;
import dev.zmkagent.agent.notify.Notification;
import dev.zmkagent.agent.notify.Notifier;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.registry.RegisteredFirmware;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.DataDirs;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.agent.watch.Journal;
import dev.zmkagent.agent.watch.WatchLoop;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSegment;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.drive.DriveRoots;
import dev.zmkagent.device.drive.DriveScanner;
import dev.zmkagent.device.drive.Uf2Drive;
import dev.zmkagent.device.flash.CheckOptions;
import dev.zmkagent.device.flash.DriveFlasher;
import dev.zmkagent.device.flash.PreFlashCapture;
import dev.zmkagent.device.flash.ProgressListener;
import dev.zmkagent.device.flash.Uf2Writer;
import dev.zmkagent.device.sim.BootloaderProfile;
import dev.zmkagent.device.sim.FolderUf2Drive;
import dev.zmkagent.device.sim.SimFlash;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code zmk-agent demo}: the whole job on a machine without a keyboard. A simulated nice!nano (bootloader 0.6.0, the
 * device module's folder-backed drive simulator) receives the crash lab's {@code zmk_debug} firmware, "freezes" (its
 * coredump partition now holds the crash lab's real dump), comes back as a bootloader drive, and the agent captures,
 * analyzes, stores and notifies, through the same watch loop, capture, registry and flash code real keyboards use.
 */
public final class DemoRunner {
    static final String RESOURCES = "/dev/zmkagent/agent/demo/";
    static final long PARTITION = 0x71000;

    private final PrintWriter out;
    private final Path work;
    private final DataDirs data;
    private final Notifier notifier;
    private final boolean dataKept;

    /** @param dataKept whether {@code data} outlives the demo; when not, the output says so instead of pointing into it */
    public DemoRunner(PrintWriter out, Path work, DataDirs data, Notifier notifier, boolean dataKept) {
        this.out = out;
        this.work = work;
        this.data = data;
        this.notifier = notifier;
        this.dataKept = dataKept;
    }

    /** What the demo produced. */
    public record Result(StoredCapture capture, CaptureOutcome outcome, boolean notified) {
    }

    public Result run() throws Exception {
        BoardCatalog catalog = BoardCatalog.builtin();
        Path media = Files.createDirectories(work.resolve("media"));
        byte[] elfBytes = resource("zmk.elf");
        byte[] partition = resource("partition.bin");
        ElfFile elf = ElfFile.parse(ByteView.of(elfBytes));
        BootloaderProfile profile = BootloaderProfile.niceNano("0.6.0");
        byte[] firmwareUf2 = uf2Of(elf, profile.family());
        Path elfFile = work.resolve("zmk.elf");
        Path uf2File = work.resolve("zmk.uf2");
        Files.write(elfFile, elfBytes);
        Files.write(uf2File, firmwareUf2);

        step(1, "Register the firmware build (what `zmk-agent firmware add zmk.elf zmk.uf2` does)");
        FirmwareRegistry registry = new FirmwareRegistry(data.firmware());
        FirmwareRegistry.Added added = registry.add(List.of(elfFile, uf2File)).get(0);
        RegisteredFirmware fw = added.firmware();
        say("crash-lab nice!nano zmk_debug build " + fw.id() + ", build ID " + fw.buildId().orElse("none") + (added.alreadyRegistered() ? " (already registered)" : ""));
        say("registry: " + registry.dir());

        CaptureStore store = new CaptureStore(data.captures());
        LinkedBlockingQueue<CaptureOutcome> outcomes = new LinkedBlockingQueue<>();
        ByteArrayOutputStream watchLog = new ByteArrayOutputStream();
        Journal journal = new Journal(new PrintStream(watchLog, true), false, false);
        boolean[] notified = new boolean[1];
        Notifier recording = new Notifier() {
            @Override
            public boolean notify(Notification n) {
                notified[0] = notifier.notify(n);
                return notified[0];
            }

            @Override
            public String describe() {
                return notifier.describe();
            }
        };
        WatchLoop loop = new WatchLoop(new WatchLoop.Config(List.of(media), false, Duration.ofMillis(200), Duration.ofSeconds(10)),
                new Capturer(catalog, store, registry, true), recording, journal, new WatchLoop.Events() {
                    @Override
                    public void finished(CaptureOutcome o) {
                        outcomes.add(o);
                    }
                }, CaptureListener.NONE);
        Thread watcher = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException e) {
                journal.error("watch stopped: " + e.getMessage());
            }
        }, "zmk-agent-demo-watch");
        watcher.setDaemon(true);
        step(2, "Start watching the media folder (what `zmk-agent watch` does in the background)");
        say("media folder: " + media);
        watcher.start();

        SimFlash flash = new SimFlash();
        try (FolderUf2Drive keyboard = FolderUf2Drive.inMediaRoot(media, profile, flash)) {
            step(3, "Plug in a simulated nice!nano in bootloader mode (double-tap reset)");
            keyboard.attach();
            say("drive " + keyboard.root() + " appeared: INFO_UF2.TXT says \"" + profile.model() + ", bootloader " + profile.version() + "\"");
            CaptureOutcome first = next(outcomes, "the watch to look at the new drive");
            say("the watch read " + first.bytesBeforeReport() + " bytes of CURRENT.UF2 and found " + (first.status() == CaptureOutcome.Status.NO_DUMP
                    ? "no coredump (a fresh board)" : "a " + first.status()));

            step(4, "Flash the zmk_debug firmware (what `zmk-agent flash zmk.uf2` does: check, save any dump, copy NEW.UF2)");
            Uf2Drive target = new DriveScanner(catalog, DriveRoots.only(List.of(media))).inspect(keyboard.root())
                    .orElseThrow(() -> new IOException("the simulated drive was not recognised"));
            DriveFlasher flasher = new DriveFlasher(new StoreDumpSaver(catalog, store), new PreFlashCapture(Clock.systemUTC()),
                    new Uf2Writer(Duration.ofSeconds(10), Duration.ofMillis(50)));
            DriveFlasher.Plan plan = flasher.plan(target, firmwareUf2, CheckOptions.none());
            keyboard.startWatcher(Duration.ofMillis(20));
            DriveFlasher.Report flashed = flasher.execute(plan, ProgressListener.NONE);
            keyboard.stopWatcher();
            say(flashed.outcome().blocksWritten() + " blocks written; " + flashed.outcome().message());

            step(5, "Type until it freezes: the firmware faults and Zephyr writes its coredump into the partition at 0x71000");
            flash.write(PARTITION, partition);
            say("(the simulated flash now holds the crash lab's real dump of a nice!nano bus fault: " + partition.length + " bytes)");

            step(6, "Double-tap reset: the bootloader drive comes back, the watch captures and analyzes");
            keyboard.attach();
            CaptureOutcome captured = next(outcomes, "the capture");
            while (captured.status() == CaptureOutcome.Status.NO_DUMP) {
                captured = next(outcomes, "the capture");
            }
            StoredCapture c = captured.capture().orElseThrow();
            say(String.format("read %d of %d bytes of CURRENT.UF2 (%.1f%%) before the report; then copied the whole file for the record",
                    captured.bytesBeforeReport(), captured.currentUf2Size(), captured.bytesBeforeReport() * 100.0 / captured.currentUf2Size()));
            say((captured.status() == CaptureOutcome.Status.STORED ? "stored as " : "already captured earlier as ") + c.dir()
                    + (dataKept ? "" : " (in the demo's temporary folder, removed when the demo ends)"));
            say("firmware: " + c.firmware().map(f -> String.valueOf(f.get("match"))).orElse("no registered build matched"));

            step(7, "The report (report.txt in the capture folder; report.md is ready for a GitHub issue)");
            out.println();
            out.print(Files.readString(c.file("report.txt")));
            out.println();

            step(8, "The desktop notification");
            String headline = captured.report().map(CrashSignatures::headline).orElse("crash");
            if (captured.status() == CaptureOutcome.Status.STORED) {
                say("\"Keyboard crash captured: " + profile.model() + "\" — " + headline);
                say(notified[0] ? "sent through " + notifier.describe() : "not shown: " + notifier.describe());
            } else {
                say("none: this dump was captured by an earlier run (run the demo with a fresh --data-dir to see it again)");
            }
            out.println();
            out.println("The watch loop's own log:");
            watchLog.toString().lines().forEach(l -> out.println("  " + l));
            out.println();
            if (dataKept) {
                out.println("Next: zmk-agent history --data-dir " + data.root() + "   |   zmk-agent bundle last -o crash.zip --data-dir " + data.root());
            } else {
                out.println("The capture was in a temporary folder and is removed now. To keep it, run `zmk-agent demo --data-dir DIR`,"
                        + " then `zmk-agent history --data-dir DIR` and `zmk-agent bundle last -o crash.zip --data-dir DIR`.");
            }
            out.flush();
            loop.stop();
            watcher.join(5000);
            return new Result(c, captured, notified[0]);
        } finally {
            loop.stop();
        }
    }

    private void step(int n, String what) {
        out.println();
        out.println("[" + n + "] " + what);
        out.flush();
    }

    private void say(String s) {
        out.println("    " + s);
        out.flush();
    }

    private static CaptureOutcome next(LinkedBlockingQueue<CaptureOutcome> q, String what) throws InterruptedException, IOException {
        CaptureOutcome o = q.poll(30, TimeUnit.SECONDS);
        if (o == null) {
            throw new IOException("timed out waiting for " + what);
        }
        return o;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DemoRunner.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("demo resource " + name + " is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    /** The firmware as a UF2 the way the ZMK build writes zmk.uf2: 256-byte blocks over the ELF's load bytes. */
    static byte[] uf2Of(ElfFile elf, long family) {
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (ElfSegment s : elf.loadSegments()) {
            if (s.fileSize() > 0) {
                lo = Math.min(lo, s.physicalAddress());
                hi = Math.max(hi, s.physicalAddress() + s.fileSize());
            }
        }
        lo &= ~0xFFL;
        hi = (hi + 0xFF) & ~0xFFL;
        byte[] image = new byte[(int) hi];
        java.util.Arrays.fill(image, (byte) 0xFF);
        for (ElfSegment s : elf.loadSegments()) {
            if (s.fileSize() > 0) {
                s.data().copyTo(0, image, (int) s.physicalAddress(), (int) s.fileSize());
            }
        }
        return CurrentUf2Renderer.render(image, lo, hi, family);
    }

    public Optional<Path> work() {
        return Optional.of(work);
    }
}
