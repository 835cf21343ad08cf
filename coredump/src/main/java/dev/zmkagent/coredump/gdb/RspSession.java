package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.unwind.RegisterSet;
import dev.zmkagent.coredump.memory.AddressRange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One gdb connection to a stopped, read-only target: bytes from gdb in, bytes for gdb out. No sockets here; the
 * transport feeds {@link #receive} and writes what it returns.
 *
 * <p>What gdb gets:
 * <ul>
 *   <li>{@code g}/{@code p}: registers of the selected thread; unknown ones as {@code xxxxxxxx} (unavailable).</li>
 *   <li>{@code m}: memory as whole ranges. When only a prefix of the range is known the prefix is returned (RSP allows
 *       a short read, and gdb then asks for the rest, which fails at the exact first unknown address); when nothing is
 *       known the reply is {@code E0e} and gdb prints "Cannot access memory at address ...".</li>
 *   <li>Writes ({@code G P M X}) get {@code E0d}: a coredump cannot change. Resume ({@code c s C S vCont;...}) gets a
 *       console line saying so, then {@code E0d}; gdb warns and stays stopped. Breakpoints ({@code Z z}) and anything
 *       we do not know get the empty reply ("not supported").</li>
 *   <li>Malformed packets get {@code E01}; a bad checksum gets {@code -} (gdb sends again), an oversized packet is
 *       skipped without being buffered and answered {@code E01}; interrupts are ignored (the target never runs).</li>
 * </ul>
 */
public final class RspSession {
    /** Bytes of packet data we accept and advertise (qSupported PacketSize). */
    public static final int PACKET_SIZE = 0x4000;

    static final String ERR_MALFORMED = "E01";
    static final String ERR_NO_MEMORY = "E0e";
    static final String ERR_READ_ONLY = "E0d";
    static final String ERR_NO_THREAD = "E02";

    private final GdbTarget target;
    private final TargetDescription description;
    private final PacketReader reader = new PacketReader(PACKET_SIZE);
    private final Consumer<String> log;
    private boolean ackMode = true;
    private boolean ended;
    private byte[] lastReply = new byte[0];
    private String lastPacket;
    private boolean ackedSinceReply = true;
    private GdbThread selected;

    public RspSession(GdbTarget target, Consumer<String> log) {
        if (target.threads().isEmpty()) {
            throw new IllegalArgumentException("a target has at least one thread");
        }
        this.target = target;
        this.description = new TargetDescription(target.systemRegisters());
        this.log = log;
        this.selected = target.threads().get(0);
    }

    public RspSession(GdbTarget target) {
        this(target, s -> { });
    }

    /** True once gdb detached or killed: the transport closes the connection. */
    public boolean ended() {
        return ended;
    }

    /** Feeds bytes received from gdb; returns the bytes to send back (possibly none). */
    public byte[] receive(byte[] data, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reader.feed(data, off, len, event -> {
            if (ended) {
                return;
            }
            if (event instanceof PacketReader.Event.Packet p) {
                // In no-ack mode the checksum need not be checked (the protocol says so); gdb over TCP or a pipe never corrupts.
                if (!p.checksumOk() && ackMode) {
                    log.accept("bad checksum: asked gdb to send again");
                    out.write('-');
                    return;
                }
                if (ackMode) {
                    out.write('+');
                }
                String packet = new String(p.payload(), StandardCharsets.ISO_8859_1);
                if (ackMode && packet.equals(lastPacket) && !ackedSinceReply) {
                    // gdb sends a packet again when no ack came within its timeout (a server still starting on a busy
                    // machine). Both copies arrive before gdb acks our reply: answer once, or every later reply would
                    // answer the packet before it ("Remote replied unexpectedly").
                    log.accept("gdb sent the same packet again before acknowledging our reply: answered once");
                    return;
                }
                lastPacket = packet;
                ackedSinceReply = false;
                reply(handle(packet, out), out);
            } else if (event instanceof PacketReader.Event.Oversized o) {
                if (!o.checksumOk() && ackMode) {
                    out.write('-');
                    return;
                }
                if (ackMode) {
                    out.write('+');
                }
                log.accept("skipped a packet of " + o.length() + " bytes (limit " + PACKET_SIZE + ")");
                reply(ERR_MALFORMED, out);
            } else if (event instanceof PacketReader.Event.Ack) {
                ackedSinceReply = true;
            } else if (event instanceof PacketReader.Event.Nak) {
                out.writeBytes(lastReply);
            } else if (event instanceof PacketReader.Event.Interrupt) {
                log.accept("interrupt ignored: the target is a coredump and never runs");
            }
        });
        return out.toByteArray();
    }

    private void reply(String payload, ByteArrayOutputStream out) {
        if (payload == null) {
            return; // k: no reply at all
        }
        lastReply = Rsp.frame(payload);
        out.writeBytes(lastReply);
    }

    private String handle(String p, ByteArrayOutputStream out) {
        if (p.isEmpty()) {
            return "";
        }
        switch (p.charAt(0)) {
            case '?':
                return stopReply();
            case 'g':
                return p.length() == 1 ? registers(selected) : ERR_MALFORMED;
            case 'p':
                return register(p.substring(1));
            case 'm':
                return memory(p.substring(1));
            case 'G': case 'P': case 'M': case 'X':
                return ERR_READ_ONLY;
            case 'c': case 's': case 'C': case 'S':
                return refuseResume(out);
            case 'H':
                return setThread(p);
            case 'T':
                return thread(p.substring(1)).isPresent() ? "OK" : ERR_NO_THREAD;
            case 'k':
                ended = true;
                return null;
            case 'D':
                ended = true;
                return "OK";
            case 'q':
                return query(p);
            case 'Q':
                if (p.equals("QStartNoAckMode")) {
                    ackMode = false;
                    // The OK itself still travels in ack mode; gdb acks it, and after that nobody acks.
                    return "OK";
                }
                return "";
            case 'v':
                return vPacket(p, out);
            default:
                return "";
        }
    }

    private String stopReply() {
        return String.format("T%02xthread:%x;", target.stopSignal() & 0xFF, target.threads().get(0).id());
    }

    private String registers(GdbThread t) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < description.registerCount(); r++) {
            sb.append(registerHex(t.registers(), r));
        }
        return sb.toString();
    }

    private static String registerHex(RegisterSet regs, int r) {
        return regs.has(r) ? Rsp.le32(regs.value(r)) : "xxxxxxxx";
    }

    private String register(String arg) {
        long n = Rsp.parseHex(arg);
        if (n < 0) {
            return ERR_MALFORMED;
        }
        if (n >= description.registerCount()) {
            return ERR_MALFORMED;
        }
        return registerHex(selected.registers(), (int) n);
    }

    private String memory(String arg) {
        int comma = arg.indexOf(',');
        if (comma < 0) {
            return ERR_MALFORMED;
        }
        long addr = Rsp.parseHex(arg.substring(0, comma));
        long len = Rsp.parseHex(arg.substring(comma + 1));
        if (addr < 0 || len < 0 || addr > 0xFFFF_FFFFL) {
            return ERR_MALFORMED;
        }
        if (len == 0) {
            return "";
        }
        // Never more than fits in one reply, never past the 32-bit address space.
        long want = Math.min(Math.min(len, PACKET_SIZE / 2), 0x1_0000_0000L - addr);
        long known = 0;
        for (AddressRange r : target.memory().ranges()) {
            if (r.contains(addr)) {
                known = Math.min(want, r.end() - addr);
                break;
            }
        }
        if (known == 0) {
            return ERR_NO_MEMORY;
        }
        byte[] buf = new byte[(int) known];
        if (!target.memory().read(addr, buf, 0, buf.length)) {
            return ERR_NO_MEMORY;
        }
        return Rsp.hex(buf, 0, buf.length);
    }

    private String refuseResume(ByteArrayOutputStream out) {
        // gdb prints 'O' console output while it waits for a stop reply, then warns about the error and stays stopped.
        reply("O" + Rsp.hex("zmk-agent: this target is a coredump; it cannot run or step.\n"), out);
        return ERR_READ_ONLY;
    }

    private String setThread(String p) {
        if (p.length() < 2) {
            return ERR_MALFORMED;
        }
        char op = p.charAt(1);
        String id = p.substring(2);
        if (op == 'c') {
            return "OK"; // which thread would resume: nothing ever resumes
        }
        if (op != 'g') {
            return "";
        }
        if (id.equals("0") || id.equals("-1")) {
            selected = target.threads().get(0);
            return "OK";
        }
        Optional<GdbThread> t = thread(id);
        if (t.isEmpty()) {
            return ERR_NO_THREAD;
        }
        selected = t.get();
        return "OK";
    }

    private Optional<GdbThread> thread(String id) {
        long n = Rsp.parseHex(id);
        if (n <= 0) {
            return Optional.empty();
        }
        return target.threads().stream().filter(t -> t.id() == n).findFirst();
    }

    private String query(String p) {
        if (p.startsWith("qSupported")) {
            return String.format("PacketSize=%x;qXfer:features:read+;QStartNoAckMode+", PACKET_SIZE);
        }
        if (p.equals("qfThreadInfo")) {
            StringBuilder sb = new StringBuilder("m");
            List<GdbThread> threads = target.threads();
            for (int i = 0; i < threads.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(Long.toHexString(threads.get(i).id()));
            }
            return sb.toString();
        }
        if (p.equals("qsThreadInfo")) {
            return "l";
        }
        if (p.startsWith("qThreadExtraInfo,")) {
            return thread(p.substring("qThreadExtraInfo,".length()))
                    .map(t -> Rsp.hex(t.name().isEmpty() ? t.extraInfo() : t.name() + ": " + t.extraInfo()))
                    .orElse(ERR_NO_THREAD);
        }
        if (p.equals("qC")) {
            return "QC" + Long.toHexString(target.threads().get(0).id());
        }
        if (p.equals("qAttached") || p.startsWith("qAttached:")) {
            return "1"; // attached to an existing "process": gdb detaches rather than kills on quit
        }
        if (p.startsWith("qXfer:features:read:")) {
            return features(p.substring("qXfer:features:read:".length()));
        }
        return "";
    }

    private String features(String arg) {
        int colon = arg.lastIndexOf(':');
        if (colon < 0) {
            return ERR_MALFORMED;
        }
        String annex = arg.substring(0, colon);
        String range = arg.substring(colon + 1);
        int comma = range.indexOf(',');
        if (comma < 0) {
            return ERR_MALFORMED;
        }
        long off = Rsp.parseHex(range.substring(0, comma));
        long len = Rsp.parseHex(range.substring(comma + 1));
        if (off < 0 || len < 0) {
            return ERR_MALFORMED;
        }
        Optional<byte[]> doc = description.annex(annex);
        if (doc.isEmpty()) {
            return "E00"; // no such annex
        }
        byte[] d = doc.get();
        if (off >= d.length) {
            return "l";
        }
        int n = (int) Math.min(Math.min(len, d.length - off), PACKET_SIZE / 2);
        String chunk = new String(d, (int) off, n, StandardCharsets.ISO_8859_1);
        return (off + n >= d.length ? "l" : "m") + chunk;
    }

    private String vPacket(String p, ByteArrayOutputStream out) {
        if (p.equals("vCont?")) {
            return "vCont;c;C;s;S";
        }
        if (p.startsWith("vCont;")) {
            return refuseResume(out);
        }
        if (p.equals("vKill") || p.startsWith("vKill;")) {
            ended = true;
            return "OK";
        }
        return ""; // vMustReplyEmpty and everything else
    }
}
