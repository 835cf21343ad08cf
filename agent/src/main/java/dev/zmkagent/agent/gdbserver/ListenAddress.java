package dev.zmkagent.agent.gdbserver;

import dev.zmkagent.coredump.bytes.FormatException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the TCP server listens. By default the loopback address only: the dump is the keyboard's RAM, which can
 * hold whatever was typed. Another interface is served only when {@code --listen HOST:PORT} names its host.
 */
public record ListenAddress(String host, int port) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 1234;

    public ListenAddress {
        if (port < 0 || port > 65535) {
            throw new FormatException("port " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
    }

    public static ListenAddress loopback(int port) {
        return new ListenAddress(LOOPBACK, port);
    }

    /** Parses {@code HOST:PORT} (IPv6 as {@code [::1]:1234}); a missing or wildcard host is refused, never guessed. */
    public static ListenAddress parse(String spec) {
        int colon = spec.lastIndexOf(':');
        String host = colon < 0 ? "" : spec.substring(0, colon);
        String port = colon < 0 ? spec : spec.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.equals("*")) {
            throw new FormatException("--listen " + spec + " names no host; the server listens on other interfaces only when named,"
                    + " e.g. --listen 0.0.0.0:" + (port.isEmpty() ? DEFAULT_PORT : port) + " (or use --port for 127.0.0.1)");
        }
        try {
            return new ListenAddress(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new FormatException("--listen " + spec + ": '" + port + "' is not a port number (HOST:PORT, e.g. 127.0.0.1:1234)");
        }
    }

    public InetAddress resolve() {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new FormatException("--listen: unknown host '" + host + "'");
        }
    }

    public boolean isLoopback() {
        return resolve().isLoopbackAddress();
    }
}
