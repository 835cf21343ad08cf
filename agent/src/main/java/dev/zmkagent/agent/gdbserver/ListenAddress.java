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

    /**
     * Parses {@code HOST:PORT}, {@code HOST} alone (port {@value #DEFAULT_PORT}), IPv6 as {@code [::1]:1234} or a bare
     * {@code ::1}. A missing or wildcard host is refused, never guessed.
     */
    public static ListenAddress parse(String spec) {
        String host;
        String port;
        if (spec.startsWith("[")) {
            int close = spec.indexOf(']');
            if (close < 0 || close + 1 < spec.length() && spec.charAt(close + 1) != ':') {
                throw new FormatException("--listen " + spec + ": an IPv6 host goes in brackets, then the port: --listen [::1]:" + DEFAULT_PORT);
            }
            host = spec.substring(1, close);
            port = close + 1 < spec.length() ? spec.substring(close + 2) : String.valueOf(DEFAULT_PORT);
        } else if (spec.indexOf(':') != spec.lastIndexOf(':')) {
            host = spec; // a bare IPv6 address: no port can be told apart from its last group
            port = String.valueOf(DEFAULT_PORT);
        } else if (spec.indexOf(':') >= 0) {
            host = spec.substring(0, spec.indexOf(':'));
            port = spec.substring(spec.indexOf(':') + 1);
        } else if (!spec.isEmpty() && spec.chars().allMatch(Character::isDigit)) {
            host = "";
            port = spec;
        } else {
            host = spec;
            port = String.valueOf(DEFAULT_PORT);
        }
        if (host.isEmpty() || host.equals("*")) {
            throw new FormatException("--listen " + spec + " names no host; the server listens on other interfaces only when named,"
                    + " e.g. --listen 0.0.0.0:" + (port.isEmpty() ? DEFAULT_PORT : port) + " (or use --port " + (port.isEmpty() ? DEFAULT_PORT : port)
                    + " for 127.0.0.1)");
        }
        try {
            return new ListenAddress(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new FormatException("--listen " + spec + ": '" + port + "' is not a port number (HOST:PORT, e.g. 127.0.0.1:" + DEFAULT_PORT + ")");
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
