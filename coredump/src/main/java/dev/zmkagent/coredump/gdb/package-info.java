/**
 * The GDB Remote Serial Protocol core: a read-only, always-stopped target served from a coredump. No sockets here:
 * {@link dev.zmkagent.coredump.gdb.RspSession} takes the bytes gdb sent and returns the bytes to send back, so the
 * transport (TCP or a pipe, in {@code agent}) and the tests drive it the same way.
 *
 * <ul>
 *   <li>{@link dev.zmkagent.coredump.gdb.PacketReader} — framing ($...#xx, acks, 0x03, }-escapes), bounded buffering.</li>
 *   <li>{@link dev.zmkagent.coredump.gdb.Rsp} — framing of replies (binary-safe) and hex.</li>
 *   <li>{@link dev.zmkagent.coredump.gdb.TargetDescription} — target.xml and its annexes (m-profile, m-system).</li>
 *   <li>{@link dev.zmkagent.coredump.gdb.GdbTarget}, {@link dev.zmkagent.coredump.gdb.ThreadSource},
 *       {@link dev.zmkagent.coredump.gdb.GdbThread}, {@link dev.zmkagent.coredump.unwind.RegisterSet} — what is served;
 *       an unknown register is unavailable ({@code xxxxxxxx}), unknown memory an error, never zeros.</li>
 *   <li>{@link dev.zmkagent.coredump.gdb.FaultingThreadOnly} — the one-thread view when no thread list can be built.</li>
 * </ul>
 * Imports only {@code coredump} packages.
 */
package dev.zmkagent.coredump.gdb;

