package dev.zmkagent.cli;

import dev.zmkagent.agent.analyze.DumpLoader;
import dev.zmkagent.agent.gdbserver.GdbServer;
import dev.zmkagent.agent.gdbserver.ListenAddress;
import dev.zmkagent.agent.gdbserver.ServedDump;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.coredump.bytes.SafeText;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gdbserver",
        header = "Serve a coredump to gdb (read-only).",
        description = {"Serve a coredump to gdb (read-only): registers, memory and threads, for bt, info threads, x and "
                + "print.",
            "INPUT is anything analyze accepts. Memory comes from the dump, then the UF2's flash image, then the "
                + "ELF's read-only sections; what none of them holds is 'Cannot access memory' in gdb, never zeros."},
        footerHeading = "%nExamples:%n",
        footer = {"  zmk-agent gdbserver CURRENT.UF2 --elf zmk.elf",
            "      then: gdb-multiarch zmk.elf -ex 'target remote 127.0.0.1:1234'",
            "  gdb-multiarch zmk.elf -ex 'target remote | zmk-agent gdbserver --pipe CURRENT.UF2'",
            "  zmk-agent gdbserver crash.bin --elf zmk.elf --listen 0.0.0.0:1234",
            "      (serves the keyboard's RAM to the network, on purpose)"},
        mixinStandardHelpOptions = true)
final class GdbServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    DumpInputOptions dump = new DumpInputOptions();

    @Option(names = "--port", paramLabel = "N", description = "TCP port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).",
            defaultValue = "1234")
    int port;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Listen on this address instead; a non-loopback host exposes the keyboard's RAM to the network (a warning says so).")
    String listen;

    @Option(names = "--pipe", description = "Speak RSP over stdin/stdout, for gdb's 'target remote | zmk-agent gdbserver --pipe ...'. Messages go to stderr.")
    boolean pipe;

    @Option(names = {"-v", "--verbose"}, description = "Log every packet to stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        boolean portGiven = spec.commandLine().getParseResult().hasMatchedOption("--port");
        if (pipe && (portGiven || listen != null)) {
            throw new FormatException("--pipe speaks over stdin/stdout: drop --port/--listen");
        }
        if (portGiven && listen != null) {
            throw new FormatException("give either --port (on 127.0.0.1) or --listen HOST:PORT, not both");
        }
        ListenAddress address = listen != null ? ListenAddress.parse(listen) : ListenAddress.loopback(port);
        // In pipe mode stdout is the protocol: every message goes to stderr.
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> messages = line -> {
            PrintWriter w = pipe ? err : out;
            w.println(SafeText.of(line)); // paths and names from the input: a NUL or ESC would cut or recolour gdb's view
            w.flush();
        };
        ServedDump served = ServedDump.of(new DumpLoader(BoardCatalog.builtin())
                .load(dump.request()));
        if (dump.elf == null) {
            err.println("zmk-agent: warning: no --elf given: serving the dump alone; gdb needs the firmware's zmk.elf for symbols,"
                    + " and code/constants outside the dump and UF2 read as unavailable");
        }
        GdbServer server = new GdbServer(served.target(), messages, verbose ? line -> {
            err.println(line);
            err.flush();
        } : null);
        if (pipe) {
            err.println(SafeText.of("zmk-agent gdbserver: serving " + dump.input + ": " + served.summary()));
            server.serve(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
            return 0;
        }
        if (!address.isLoopback()) {
            err.println("zmk-agent: warning: listening on " + address.host() + " exposes the keyboard's RAM (which can hold"
                    + " typed text) to anyone who can reach this machine");
        }
        try (ServerSocket socket = GdbServer.bind(address)) {
            String where = hostForGdb(address) + ":" + socket.getLocalPort();
            messages.accept("zmk-agent gdbserver: serving " + dump.input + ": " + served.summary());
            messages.accept("listening on " + address.host() + ":" + socket.getLocalPort() + "; connect with:");
            messages.accept("  " + gdbCommand() + " " + quote(dump.elf == null ? "zmk.elf" : dump.elf.toString()) + " -ex 'target remote " + where + "'");
            messages.accept("Ctrl-C stops the server.");
            server.serveTcp(socket);
        }
        return 0;
    }

    private static String hostForGdb(ListenAddress address) {
        String h = address.host();
        if (h.equals("0.0.0.0") || h.equals("::")) {
            return ListenAddress.LOOPBACK;
        }
        return h.contains(":") ? "[" + h + "]" : h;
    }

    /** gdb-multiarch when installed (Debian/Ubuntu), else arm-none-eabi-gdb when installed, else gdb-multiarch. */
    static String gdbCommand() {
        for (String name : new String[] {"gdb-multiarch", "arm-none-eabi-gdb"}) {
            String path = System.getenv("PATH");
            if (path == null) {
                break;
            }
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return name;
                }
            }
        }
        return "gdb-multiarch";
    }

    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
