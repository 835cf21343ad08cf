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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Serves one read-only target to gdb over a byte stream: TCP connections (several at once, each its own session) or a
 * pipe (stdin/stdout, one session). Messages (one line each) go to {@code messages}, never to the protocol stream; a
 * trace, when given, logs every packet in and out.
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

    /** More clients than this at once are refused at once (each holds a thread and a socket). */
    static final int MAX_CLIENTS = 8;

    /**
     * Accepts clients until the server socket is closed (Ctrl-C, or a test closing it). Each client gets its own
     * session on its own thread, so a second gdb (or an IDE beside a terminal gdb) is served at once instead of
     * waiting behind the first; the target is read-only, and its packets are answered one at a time.
     */
    public void serveTcp(ServerSocket server) throws IOException {
        Set<Socket> clients = ConcurrentHashMap.newKeySet();
        AtomicInteger numbers = new AtomicInteger();
        try {
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
                if (clients.size() >= MAX_CLIENTS) {
                    messages.accept("refused a connection from " + client.getRemoteSocketAddress() + ": " + MAX_CLIENTS + " gdb sessions are open already");
                    client.close();
                    continue;
                }
                clients.add(client);
                Thread t = new Thread(() -> serveClient(client, clients), "gdb-client-" + numbers.incrementAndGet());
                t.setDaemon(true);
                t.start();
            }
        } finally {
            for (Socket c : clients) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing on the way out
                }
            }
        }
    }

    private void serveClient(Socket client, Set<Socket> clients) {
        String who = String.valueOf(client.getRemoteSocketAddress());
        try (client) {
            client.setTcpNoDelay(true);
            messages.accept("gdb connected from " + who + (clients.size() > 1 ? " (" + clients.size() + " sessions open)" : ""));
            boolean ended = serve(client.getInputStream(), client.getOutputStream());
            messages.accept("gdb at " + who + (ended ? " detached" : " disconnected") + "; still listening (Ctrl-C stops)");
        } catch (IOException e) {
            messages.accept("connection from " + who + " lost: " + e.getMessage() + "; still listening");
        } finally {
            clients.remove(client);
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
            byte[] reply;
            synchronized (target) { // one target, read by every session: its lazily built caches see one caller at a time
                reply = session.receive(buf, 0, n);
            }
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
