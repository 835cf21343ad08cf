package dev.zmkagent.cli;

import dev.zmkagent.agent.capture.Capturer;
import dev.zmkagent.agent.doctor.WatchStartupChecks;
import dev.zmkagent.agent.notify.Notifier;
import dev.zmkagent.agent.notify.Notifiers;
import dev.zmkagent.agent.notify.Tray;
import dev.zmkagent.agent.notify.Trays;
import dev.zmkagent.agent.service.LoginService;
import dev.zmkagent.agent.service.LoginServices;
import dev.zmkagent.agent.store.History;
import dev.zmkagent.agent.watch.Journal;
import dev.zmkagent.agent.watch.MediaRoots;
import dev.zmkagent.agent.watch.WatchLoop;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "watch",
        header = "Capture every crash in the background, with desktop notifications.",
        description = {"Run in the background: when a keyboard's bootloader drive appears (double-tap reset), pull its "
                + "coredump off before the bootloader times out, analyze it with the registered build, store it, and "
                + "say what crashed in a desktop notification. Several keyboards at once; a drive pulled mid-read "
                + "stores nothing and is captured when it returns.",
            "Logs one line per event on stderr (with <N> priority prefixes under systemd)."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent watch", "  zmk-agent watch --no-notify --media /mnt/usb", "  zmk-agent watch --install-service"},
        mixinStandardHelpOptions = true)
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--media", paramLabel = "DIR", description = "A folder drives are mounted in (repeatable; default: ZMK_AGENT_MEDIA_ROOTS when set, "
            + "else /media/$USER, /run/media/$USER, /media, /mnt; /Volumes on macOS; drive letters on Windows). On Linux every FAT or FUSE mount "
            + "in /proc/self/mounts is watched as well.")
    List<Path> media = new ArrayList<>();

    @Option(names = "--no-notify", description = "No desktop notifications (headless use; the log still names every capture).")
    boolean noNotify;

    @Option(names = "--no-tray", description = "No tray icon.")
    boolean noTray;

    @Option(names = "--region-only", description = "Do not copy the whole CURRENT.UF2 into captures.")
    boolean regionOnly;

    @Option(names = "--debug", description = "Log debug lines too.")
    boolean debug;

    @Option(names = "--install-service", description = "Run this watch (with these options) at every login through the installed "
            + "launcher: a systemd user unit tied to the graphical session on Linux, a launchd agent on macOS, a logon task on Windows.")
    boolean installService;

    @Option(names = "--print-service", description = "Print the definition --install-service would write, and change nothing.")
    boolean printService;

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (installService || printService) {
            List<String> args = new ArrayList<>();
            if (data.dataDir != null) {
                args.add("--data-dir=" + data.dataDir.toAbsolutePath());
            }
            for (Path m : media) {
                args.add("--media=" + m.toAbsolutePath());
            }
            if (noNotify) {
                args.add("--no-notify");
            }
            LoginService service = LoginServices.forThisMachine();
            List<String> command = LoginServices.watchCommand(args);
            if (printService) {
                out.print(service.definition(command));
            } else {
                for (String line : service.install(command)) {
                    out.println(line);
                }
            }
            out.flush();
            return 0;
        }
        Journal log = Journal.forStderr(debug);
        List<Path> roots = MediaRoots.forWatch(media, System.getenv(), System.getProperty("os.name", ""));
        // doctor's checks once, in the background: a watch nobody looks at logs what will stop it capturing
        WatchStartupChecks.inBackground(data.dirs().root(), media, log);
        Notifier notifier = Notifier.NONE;
        if (!noNotify) {
            Optional<Notifier> n = Notifiers.forPlatform();
            if (n.isEmpty()) {
                log.warn("no desktop notification service (no session D-Bus?); captures are only logged");
            } else {
                notifier = n.get();
            }
        }
        Capturer capturer = new Capturer(BoardCatalog.builtin(), data.store(), data.registry(), !regionOnly);
        WatchLoop.Config config = new WatchLoop.Config(roots, MediaRoots.hasMountTable(), Duration.ofSeconds(2), Duration.ofSeconds(10));
        WatchLoop[] holder = new WatchLoop[1];
        @SuppressWarnings("unchecked")
        Optional<Tray>[] trayHolder = new Optional[] {Optional.empty()};
        WatchLoop.Events events = new WatchLoop.Events() {
            @Override
            public void finished(dev.zmkagent.agent.capture.CaptureOutcome o) {
                if (o.status() == dev.zmkagent.agent.capture.CaptureOutcome.Status.STORED) {
                    trayHolder[0].ifPresent(t -> t.captured(o.report().map(dev.zmkagent.agent.capture.CrashSignatures::headline).orElse("crash")));
                }
            }
        };
        Optional<Tray> tray = Optional.empty();
        WatchLoop loop = new WatchLoop(config, capturer, notifier, log, events, dev.zmkagent.agent.capture.CaptureListener.NONE);
        holder[0] = loop;
        if (!noTray && !noNotify) {
            tray = Trays.install(new Tray.Actions() {
                @Override
                public Optional<Path> lastReport() {
                    return holder[0].lastReport();
                }

                @Override
                public List<Tray.HistoryEntry> history() {
                    try {
                        List<Tray.HistoryEntry> out = new ArrayList<>();
                        for (History.Group g : History.group(data.store().list())) {
                            data.store().resolve(g.captures().get(g.captures().size() - 1)).ifPresent(c -> out.add(new Tray.HistoryEntry(
                                    g.headline() + (g.count() > 1 ? " (" + g.count() + "×)" : ""), c.file("report.md"))));
                        }
                        return out;
                    } catch (java.io.IOException e) {
                        return List.of();
                    }
                }

                @Override
                public Path capturesFolder() {
                    return data.store().dir();
                }

                @Override
                public void setPaused(boolean paused) {
                    holder[0].setPaused(paused);
                }

                @Override
                public void quit() {
                    holder[0].stop();
                }
            });
            trayHolder[0] = tray;
            log.info(tray.map(Tray::describe).orElse("no tray icon (no StatusNotifierWatcher on the session bus, no XEmbed tray)"));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(loop::stop, "zmk-agent-shutdown"));
        try {
            loop.run();
        } finally {
            tray.ifPresent(Tray::close);
            notifier.close();
            log.info("stopped");
        }
        return 0;
    }
}
