package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.unwind.RegisterSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zmkagent.coredump.memory.RegionMemory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RspSessionTest {
    private static final long RAM = 0x2000_0000L;

    private static byte[] ram() {
        byte[] b = new byte[0x100];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** Two threads; RAM 0x20000000-0x20000100 from the dump, flash 0x1000-0x1010 from the "ELF" right after a gap. */
    private static GdbTarget target() {
        RegionMemory memory = new RegionMemory()
                .add("dump", RAM, ram())
                .add("dump", RAM + 0x100, new byte[] {(byte) 0xAA, (byte) 0xBB})
                .add("ELF .text", 0x1000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
                .add("ELF .rodata", 0x1010, new byte[] {0x77, 0x66});
        RegisterSet crashed = RegisterSet.empty().with(0, 0x11223344L).with(RegisterSet.SP, 0x20000080L)
                .with(RegisterSet.PC, 0x1004).with(RegisterSet.XPSR, 0x0100_0000L).with(RegisterSet.PSP, 0x20000080L);
        RegisterSet other = RegisterSet.empty().with(RegisterSet.PC, 0x1008);
        List<GdbThread> threads = List.of(new GdbThread(1, "main", "faulted here", crashed), new GdbThread(2, "idle", "ready", other));
        return new DumpTarget(() -> threads, memory, StopSignal.SIGSEGV, true);
    }

    private final RspSession session = new RspSession(target());

    private static String packet(String payload) {
        return new String(Rsp.frame(payload), StandardCharsets.ISO_8859_1);
    }

    private String feed(String raw) {
        byte[] in = raw.getBytes(StandardCharsets.ISO_8859_1);
        return new String(session.receive(in, 0, in.length), StandardCharsets.ISO_8859_1);
    }

    /** Sends one packet and returns the reply's payload, checking the ack and the framing. */
    private String ask(String payload) {
        String out = feed(packet(payload));
        assertTrue(out.startsWith("+$"), "reply to " + payload + ": " + out);
        String framed = out.substring(1);
        int hash = framed.lastIndexOf('#');
        String body = framed.substring(1, hash);
        assertEquals(framed, packet(unescape(body)), "checksum of reply to " + payload);
        assertEquals("", feed("+"), "gdb's ack of the reply gets no answer");
        return unescape(body);
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c == '}' ? (char) (s.charAt(++i) ^ 0x20) : c);
        }
        return sb.toString();
    }

    @Test
    void qSupportedAdvertisesPacketSizeFeaturesAndNoAckMode() {
        assertEquals("PacketSize=4000;qXfer:features:read+;QStartNoAckMode+", ask("qSupported:multiprocess+;swbreak+;xmlRegisters=arm"));
    }

    @Test
    void noAckModeStopsAcksAfterTheOk() {
        assertEquals("+" + packet("OK"), feed(packet("QStartNoAckMode")));
        assertEquals(packet("T0bthread:1;"), feed("+" + packet("?")));
    }

    @Test
    void stopReplyNamesTheSignalAndTheFaultingThread() {
        assertEquals("T0bthread:1;", ask("?"));
    }

    @Test
    void registersTheDumpLacksAreUnavailableNotZero() {
        String g = ask("g");
        assertEquals(19 * 8, g.length());
        assertEquals("44332211", g.substring(0, 8));
        assertEquals("xxxxxxxx", g.substring(8, 16));
        assertEquals("80000020", g.substring(13 * 8, 14 * 8));
        assertEquals("04100000", g.substring(15 * 8, 16 * 8));
        assertEquals("xxxxxxxx", g.substring(17 * 8, 18 * 8)); // msp
        assertEquals("80000020", g.substring(18 * 8));         // psp
        assertEquals("44332211", ask("p0"));
        assertEquals("xxxxxxxx", ask("p7"));
        assertEquals("00000001", ask("p10"));
        assertEquals("E01", ask("p13"));
        assertEquals("E01", ask("pzz"));
    }

    @Test
    void withoutSystemRegistersTheDescriptionAndGPacketStopAtXpsr() {
        GdbTarget t = target();
        RspSession s = new RspSession(DumpTarget.of(t::threads, t.memory(), StopSignal.SIGSEGV)); // thread mode: no msp/psp
        byte[] in = Rsp.frame("g");
        String g = new String(s.receive(in, 0, in.length), StandardCharsets.ISO_8859_1);
        assertEquals(2 + 17 * 8 + 3, g.length(), g);
        in = Rsp.frame("qXfer:features:read:target.xml:0,ffb");
        String xml = new String(s.receive(in, 0, in.length), StandardCharsets.ISO_8859_1);
        assertFalse(xml.contains("arm-m-system.xml"), xml);
        in = Rsp.frame("qXfer:features:read:arm-m-system.xml:0,ffb");
        assertEquals("+" + packet("E00"), new String(s.receive(in, 0, in.length), StandardCharsets.ISO_8859_1));
        in = Rsp.frame("p11");
        assertEquals("+" + packet("E01"), new String(s.receive(in, 0, in.length), StandardCharsets.ISO_8859_1));
    }

    @Test
    void memoryIsServedAsWholeRangesAndStitchedAcrossSources() {
        assertEquals("10111213", ask("m20000010,4"));
        assertEquals("fcfdfeffaabb", ask("m200000fc,6"));   // two dump blocks, one reply
        assertEquals("0d0e0f107766", ask("m100c,6"));       // .text then .rodata
        assertEquals(512, ask("m20000000,100").length());
    }

    @Test
    void aReadRunningIntoUnknownMemoryReturnsTheKnownPrefixAndUnknownMemoryIsAnError() {
        assertEquals("aabb", ask("m20000100,8"));
        assertEquals("E0e", ask("m20000102,4"));
        assertEquals("E0e", ask("m0,4"));
        assertEquals("E0e", ask("mffffffff,4"));
    }

    @Test
    void aReadLongerThanAReplyIsCappedToThePacketSize() {
        RegionMemory big = new RegionMemory().add("dump", RAM, new byte[0x10000]);
        RspSession s = new RspSession(new DumpTarget(() -> target().threads(), big, 11, true));
        byte[] in = Rsp.frame("m20000000,10000");
        String out = new String(s.receive(in, 0, in.length), StandardCharsets.ISO_8859_1);
        assertEquals(2 + RspSession.PACKET_SIZE + 3, out.length()); // "+$" + hex of PACKET_SIZE/2 bytes + "#xx"
    }

    @Test
    void malformedMemoryRequestsGetAnErrorNotACrash() {
        for (String bad : List.of("m", "m2000", "mzz,4", "m20000000,", "m,4", "m20000000,4g", "m1234567890abcdef0,4", "m100000000,4")) {
            assertEquals("E01", ask(bad), bad);
        }
    }

    @Test
    void threadPackets() {
        assertEquals("m1,2", ask("qfThreadInfo"));
        assertEquals("l", ask("qsThreadInfo"));
        assertEquals("QC1", ask("qC"));
        assertEquals(Rsp.hex("idle: ready"), ask("qThreadExtraInfo,2"));
        assertEquals("E02", ask("qThreadExtraInfo,9"));
        assertEquals("OK", ask("T2"));
        assertEquals("E02", ask("T9"));
        assertEquals("E02", ask("Tq"));
        assertEquals("OK", ask("Hg2"));
        assertEquals("08100000", ask("p0f"));
        assertEquals("xxxxxxxx", ask("p0"));
        assertEquals("OK", ask("Hg0"));
        assertEquals("44332211", ask("p0"));
        assertEquals("OK", ask("Hc-1"));
        assertEquals("E02", ask("Hg7"));
        assertEquals("1", ask("qAttached"));
        assertEquals("1", ask("qAttached:1"));
    }

    @Test
    void targetDescriptionIncludesItsAnnexesAndIsReadInChunks() {
        String xml = ask("qXfer:features:read:target.xml:0,ffb");
        assertTrue(xml.startsWith("l<?xml"), xml);
        assertTrue(xml.contains("<xi:include href=\"arm-m-profile.xml\"/>") && xml.contains("arm-m-system.xml"), xml);
        String profile = ask("qXfer:features:read:arm-m-profile.xml:0,ffb");
        assertTrue(profile.contains("org.gnu.gdb.arm.m-profile") && profile.contains("<reg name=\"xpsr\" bitsize=\"32\" regnum=\"16\"/>"), profile);
        assertTrue(ask("qXfer:features:read:arm-m-system.xml:0,ffb").contains("<reg name=\"psp\" bitsize=\"32\" regnum=\"18\""));
        String first = ask("qXfer:features:read:target.xml:0,10");
        String rest = ask("qXfer:features:read:target.xml:10,ffb");
        assertEquals("m" + xml.substring(1, 17), first);
        assertEquals("l" + xml.substring(17), rest);
        assertEquals("l", ask("qXfer:features:read:target.xml:fff,10"));
        assertEquals("E00", ask("qXfer:features:read:nope.xml:0,10"));
        assertEquals("E01", ask("qXfer:features:read:target.xml:0"));
        assertEquals("", ask("qXfer:memory-map:read::0,100"));
    }

    @Test
    void writesAreRefusedAndResumeSaysWhyThenFails() {
        for (String w : List.of("G" + "00".repeat(76), "P0=00000000", "M20000000,1:00", "X20000000,1:\u0000")) {
            assertEquals("E0d", ask(w), w);
        }
        for (String r : List.of("c", "s", "C0b", "vCont;c", "vCont;s:1")) {
            String out = feed(packet(r));
            assertEquals("+" + packet("O" + Rsp.hex("zmk-agent: this target is a coredump; it cannot run or step.\n")) + packet("E0d"), out, r);
        }
        assertEquals("vCont;c;C;s;S", ask("vCont?"));
    }

    @Test
    void unsupportedPacketsGetTheEmptyReply() {
        for (String p : List.of("vMustReplyEmpty", "Z0,1000,2", "z0,1000,2", "Z1,1000,2", "qTStatus", "qOffsets", "!", "QNonStop:1", "vFile:open:", "y")) {
            assertEquals("", ask(p), p);
        }
    }

    @Test
    void killEndsWithoutAReplyAndDetachSaysOk() {
        assertEquals("+", feed(packet("k")));
        assertTrue(session.ended());
        assertEquals("", feed(packet("g")));

        RspSession d = new RspSession(target());
        byte[] in = Rsp.frame("D");
        assertEquals("+" + packet("OK"), new String(d.receive(in, 0, in.length), StandardCharsets.ISO_8859_1));
        assertTrue(d.ended());
        RspSession v = new RspSession(target());
        in = Rsp.frame("vKill;1");
        assertEquals("+" + packet("OK"), new String(v.receive(in, 0, in.length), StandardCharsets.ISO_8859_1));
        assertTrue(v.ended());
    }

    @Test
    void badChecksumIsNakedAndTheResentPacketAnswered() {
        assertEquals("-", feed("$g#00"));
        assertEquals("-", feed("$g#zz"));
        assertFalse(session.ended());
        assertEquals("T0bthread:1;", ask("?"));
    }

    @Test
    void aTruncatedPacketWaitsForTheRestAndChunksMayBeSplitAnywhere() {
        String whole = packet("m20000010,4");
        StringBuilder out = new StringBuilder();
        for (char c : whole.toCharArray()) {
            out.append(feed(String.valueOf(c)));
        }
        assertEquals("+" + packet("10111213"), out.toString());
        assertEquals("", feed("$m2000"));
        // A '$' before the '#' starts over: the unfinished packet was garbage and gets no reply.
        assertEquals("+" + packet("T0bthread:1;"), feed(packet("?")));
    }

    @Test
    void garbageAndInterruptsBetweenPacketsAreIgnored() {
        assertEquals("", feed("hello\u0003\u0000\u00ff#12"));
        assertEquals("T0bthread:1;", ask("?"));
    }

    @Test
    void aOneMebibytePacketIsSkippedWithoutBufferingAndTheSessionGoesOn() {
        byte[] huge = new byte[1 << 20];
        Arrays.fill(huge, (byte) 'a');
        huge[0] = 'M';
        String out = feed(packet(new String(huge, StandardCharsets.ISO_8859_1)));
        assertEquals("+" + packet("E01"), out);
        assertEquals("-", feed("$" + "a".repeat(1 << 20) + "#01"));
        assertEquals("T0bthread:1;", ask("?"));
    }

    @Test
    void aPacketGdbSentAgainBeforeOurReplyIsAnsweredOnce() {
        // gdb timed out waiting (a server starting on a busy machine) and sent qSupported again: both copies are read at
        // once. Answering both would make every later reply answer the packet before it.
        String twice = packet("qSupported:xmlRegisters=arm") + packet("qSupported:xmlRegisters=arm");
        String out = feed(twice);
        assertEquals(1, out.split("\\$", -1).length - 1, "one reply: " + out);
        assertTrue(out.startsWith("+$PacketSize=") && out.endsWith("+"), "each copy acknowledged, the first answered: " + out);
        assertEquals("", feed("+"));
        assertEquals("", ask("vMustReplyEmpty"), "the next packet gets its own reply");
        // A packet repeated after gdb acknowledged the reply is a new question: answered again.
        assertEquals("T0bthread:1;", ask("?"));
        assertEquals("T0bthread:1;", ask("?"));
    }

    @Test
    void gdbsNakResendsTheLastReply() {
        assertEquals("QC1", ask("qC"));
        assertEquals(packet("QC1"), feed("-"));
    }
}
