package dev.zmkagent.agent.gdbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.bytes.FormatException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void theDefaultServerListensOnLoopbackOnly() throws Exception {
        try (ServerSocket s = GdbServer.bind(ListenAddress.loopback(0))) {
            assertTrue(s.getInetAddress().isLoopbackAddress());
            assertTrue(s.getLocalPort() > 0);
        }
    }

    @Test
    void aHostMustBeNamedToListenAnywhereElse() {
        for (String spec : new String[] {":1234", "1234", "*:1234", "[]:1"}) {
            FormatException e = assertThrows(FormatException.class, () -> ListenAddress.parse(spec), spec);
            assertTrue(e.getMessage().contains("names no host"), e.getMessage());
        }
        ListenAddress any = ListenAddress.parse("0.0.0.0:4321");
        assertEquals(4321, any.port());
        assertFalse(any.isLoopback());
        assertTrue(ListenAddress.parse("localhost:1").isLoopback());
        assertTrue(ListenAddress.parse("[::1]:1").isLoopback());
        assertThrows(FormatException.class, () -> ListenAddress.parse("127.0.0.1:x"));
        assertThrows(FormatException.class, () -> ListenAddress.parse("127.0.0.1:65536"));
    }

    @Test
    void aHostWithoutAPortTakesTheDefaultPortAndIsNeverReadAsAPort() {
        assertEquals(new ListenAddress("127.0.0.1", ListenAddress.DEFAULT_PORT), ListenAddress.parse("127.0.0.1"));
        assertEquals(new ListenAddress("::1", ListenAddress.DEFAULT_PORT), ListenAddress.parse("::1"));
        assertEquals(new ListenAddress("::1", ListenAddress.DEFAULT_PORT), ListenAddress.parse("[::1]"));
        assertEquals(new ListenAddress("192.0.2.7", 99), ListenAddress.parse("192.0.2.7:99"));
        FormatException portOnly = assertThrows(FormatException.class, () -> ListenAddress.parse("4321"));
        assertTrue(portOnly.getMessage().endsWith("e.g. --listen 0.0.0.0:4321 (or use --port 4321 for 127.0.0.1)"), portOnly.getMessage());
    }

    @Test
    void aBusyPortIsAnErrorThatNamesTheAddress() throws Exception {
        try (ServerSocket s = GdbServer.bind(ListenAddress.loopback(0))) {
            Exception e = assertThrows(java.io.IOException.class, () -> GdbServer.bind(ListenAddress.loopback(s.getLocalPort())).close());
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + s.getLocalPort()), e.getMessage());
        }
    }
}
