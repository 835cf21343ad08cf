package dev.zmkagent.cli;

import dev.zmkagent.agent.demo.DemoRunner;
import dev.zmkagent.agent.notify.Notifier;
import dev.zmkagent.agent.notify.Notifiers;
import dev.zmkagent.agent.store.DataDirs;
import dev.zmkagent.device.files.PrivateFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo",
        header = "Run the whole job on a simulated keyboard (no keyboard, no root needed).",
        description = {"See the whole job without a keyboard: a simulated nice!nano bootloader drive gets the crash lab's "
                + "zmk_debug firmware, freezes with a real coredump, comes back, and the agent captures, analyzes, "
                + "stores and notifies — through the same code paths real keyboards use. Needs no root, no FUSE and no "
                + "keyboard.",
            "Everything goes into a temporary folder, removed afterwards unless --keep; --data-dir keeps the "
                + "capture and firmware."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent demo", "  zmk-agent demo --data-dir ~/.local/share/zmk-agent   # keep the capture with your real ones"},
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the demo's capture and firmware here (default: a temporary folder).")
    Path dataDir;

    @Option(names = "--no-notify", description = "Do not send the desktop notification.")
    boolean noNotify;

    @Option(names = "--keep", description = "Keep the temporary folder (media, drive, data) after the demo.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("zmk-agent-demo-");
        DataDirs data = new DataDirs(dataDir != null ? dataDir : work.resolve("data"));
        Notifier notifier = noNotify ? new Notifier() {
            @Override
            public boolean notify(dev.zmkagent.agent.notify.Notification n) {
                return false;
            }

            @Override
            public String describe() {
                return "notifications are off (--no-notify)";
            }
        } : Notifiers.forPlatform().orElse(new Notifier() {
            @Override
            public boolean notify(dev.zmkagent.agent.notify.Notification n) {
                return false;
            }

            @Override
            public String describe() {
                return "no desktop notification service found (no session D-Bus); watch would log it";
            }
        });
        out.println("zmk-agent demo: a simulated keyboard in " + work);
        try {
            boolean dataKept = keep || dataDir != null;
            DemoRunner.Result r = new DemoRunner(out, work, data, notifier, dataKept).run();
            if (dataKept) {
                out.println("Capture kept in " + r.capture().dir());
            }
            out.flush();
            return 0;
        } finally {
            notifier.close();
            if (!keep) {
                // The simulated drive, the firmware files and (without --data-dir) the data: a --data-dir lives elsewhere.
                PrivateFiles.deleteTree(work);
            }
        }
    }
}
