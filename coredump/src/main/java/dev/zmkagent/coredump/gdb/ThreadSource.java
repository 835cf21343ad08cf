package dev.zmkagent.coredump.gdb;

import java.util.List;

/**
 * Where the threads gdb sees come from. {@link FaultingThreadOnly} knows only the context that faulted (all a ZMK
 * dump without thread metadata holds); a thread lister that walks the kernel's thread list plugs in here.
 */
public interface ThreadSource {
    /** Never empty; the faulting thread first, ids positive and distinct. */
    List<GdbThread> threads();
}
