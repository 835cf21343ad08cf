package dev.zmkagent.coredump.unwind;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A stable crash signature: SHA-256 over the fault reason and the names of the top frames of the crashing context,
 * shown shortened to 12 hex digits.
 *
 * <p>What goes in, exactly (version 1), one item per line, UTF-8:
 * <pre>
 *   zmk-agent-signature-v1
 *   &lt;fault reason, e.g. K_ERR_ARM_BUS_PRECISE_DATA_BUS&gt;
 *   &lt;function of frame 1&gt;
 *   ... up to {@link #TOP_FRAMES} functions
 * </pre>
 * Frames are taken from the crashing context only: everything up to and including the first exception boundary
 * (the fault handler and the boundary itself, or our leading fault frame) is skipped, and the list stops at the next
 * exception boundary or at the first GUESS frame. Inlined frames count (a bug inside an inlined helper is a different
 * place), and so do TAILCALL frames: they are real functions of the crashing context that gdb shows too, and whether
 * the compiler turned a call into a jump is a property of the build, like inlining. Function names, not addresses, so two builds of the same code agree; GCC's clone suffixes
 * (".constprop.0", ".isra.0", ".part.0", ".cold") are removed for the same reason. Unknown functions are "??", so a
 * backtrace without symbols still hashes, just less specifically.
 */
public final class CrashSignature {
    public static final int TOP_FRAMES = 5;
    private static final String VERSION = "zmk-agent-signature-v1";

    private CrashSignature() {
    }

    /** The normalised function names the signature is computed over. */
    public static List<String> frames(Backtrace bt) {
        List<Frame> all = bt.frames();
        int start = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).kind() == FrameKind.EXCEPTION) {
                start = i + 1;
                break;
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = start; i < all.size() && names.size() < TOP_FRAMES; i++) {
            Frame f = all.get(i);
            if (f.kind() == FrameKind.EXCEPTION || f.kind() == FrameKind.GUESS) {
                break;
            }
            names.add(normalise(f.function()));
        }
        return names;
    }

    public static String normalise(String function) {
        if (function == null || function.isEmpty()) {
            return "??";
        }
        return function.replaceAll("\\.(constprop|isra|part|cold|lto_priv)(\\.\\d+)*", "");
    }

    /** Full SHA-256 hex of the signature input. */
    public static String compute(String faultReason, Backtrace bt) {
        return compute(faultReason, frames(bt));
    }

    /** Full SHA-256 hex over a reason and already normalised frame names (as {@link #frames} gives them). */
    public static String compute(String faultReason, List<String> frames) {
        StringBuilder in = new StringBuilder(VERSION).append('\n').append(faultReason == null ? "" : faultReason).append('\n');
        for (String n : frames) {
            in.append(n).append('\n');
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(in.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The 12-digit form shown to people. */
    public static String shortForm(String faultReason, Backtrace bt) {
        return compute(faultReason, bt).substring(0, 12);
    }
}
