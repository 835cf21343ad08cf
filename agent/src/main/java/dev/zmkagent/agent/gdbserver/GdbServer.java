package dev.zmkagent.agent.gdbserver;

import dev.zmkagent.coredump.gdb.GdbTarget;
import dev.zmkagent.coredump.gdb.RspSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Serves one read-only target to gdb over a byte stream: a TCP connection (one client at a time, the next accepted
 * when one leaves) or a pipe (stdin/stdout, one session). Messages (one line each) go to {@code messages}, never to the protocol
 * stream; a trace, when given, logs every packet in and out.
 */
public final class GdbServer {
    private final GdbTarget target;
    private final Consumer<String> messages;
    private final Consumer<String> trace;

    /** {@code trace}: where every packet in and out is logged, or null for no trace. */
    public GdbServer(GdbTarget target, Consumer<String> messages, Consumer<String> trace) {
        this.target = target;
        this.messages = messages;
        this.trace = trace;
    }

    /** Binds, listening on exactly the given address (port 0: a free one; read it from the socket). */
    public static ServerSocket bind(ListenAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(new InetSocketAddress(address.resolve(), address.port()), 1);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + address.host() + ":" + address.port() + ": " + e.getMessage(), e);
        }
        return server;
    }

    /** Accepts clients one after another until the server socket is closed (Ctrl-C, or a test closing it). */
    public void serveTcp(ServerSocket server) throws IOException {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (SocketException e) {
                if (server.isClosed()) {
                    return;
                }
                throw e;
            }
            try (client) {
                client.setTcpNoDelay(true);
                messages.accept("gdb connected from " + client.getRemoteSocketAddress());
                boolean ended = serve(client.getInputStream(), client.getOutputStream());
                messages.accept(ended ? "gdb detached; waiting for the next connection (Ctrl-C stops)"
                        : "gdb disconnected; waiting for the next connection (Ctrl-C stops)");
            } catch (IOException e) {
                messages.accept("connection lost: " + e.getMessage() + "; waiting for the next connection");
            }
        }
    }

    /** Runs one session until gdb detaches/kills (true) or the stream ends (false). */
    public boolean serve(InputStream in, OutputStream out) throws IOException {
        RspSession session = new RspSession(target, trace != null ? m -> trace.accept("gdbserver: " + m) : m -> { });
        byte[] buf = new byte[RspSession.PACKET_SIZE + 16];
        while (!session.ended()) {
            int n = in.read(buf);
            if (n < 0) {
                return false;
            }
            if (trace != null) {
                trace.accept("<- " + printable(buf, n));
            }
            byte[] reply = session.receive(buf, 0, n);
            if (reply.length > 0) {
                if (trace != null) {
                    trace.accept("-> " + printable(reply, reply.length));
                }
                out.write(reply);
                out.flush();
            }
        }
        return true;
    }

    private static String printable(byte[] b, int n) {
        String s = new String(b, 0, Math.min(n, 200), StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return n > 200 ? sb + "... (" + n + " bytes)" : sb.toString();
    }
}
