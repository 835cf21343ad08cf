package dev.zmkagent.coredump.unwind;

import java.util.OptionalLong;

/**
 * One row of a backtrace.
 *
 * @param kind      how the frame was found; for an inlined function, how the machine frame it runs in was found
 * @param pc        the frame's pc (a return address for callers); absent for an exception boundary
 * @param function  function name as the symbolizer gives it ("??" when unknown); for an exception boundary a label
 * @param file      source file name, or null
 * @param line      source line, 0 when unknown
 * @param inlined   true when this function was inlined into the next frame
 * @param registers registers known in this frame (unknown ones are absent, never zero)
 * @param cfa       canonical frame address (the caller's sp) when known
 * @param note      how this frame was unwound or why it is labelled so; never null
 */
public record Frame(FrameKind kind, OptionalLong pc, String function, String file, int line, boolean inlined,
                    RegisterSet registers, OptionalLong cfa, String note) {

    /** "function (file:line)" or "function" — the part of a frame that gdb's bt and ours must agree on. */
    public String location() {
        return file == null ? function : function + " (" + file + ":" + line + ")";
    }

    @Override
    public String toString() {
        String where = pc.isPresent() ? String.format("0x%08x ", pc.getAsLong()) : "";
        return kind + (inlined ? " inlined " : " ") + where + location() + (note.isEmpty() ? "" : " [" + note + "]");
    }
}
