/**
 * {@code zmk-agent gdbserver}: loads any dump form through {@code analyze.DumpLoader}, builds the served target
 * ({@link dev.zmkagent.agent.gdbserver.ServedDump}: memory as the loader layers it; threads and registers in
 * {@link dev.zmkagent.agent.gdbserver.ZephyrThreads}, taken from {@code analyze.CrashContext}, the same crash context
 * the report is made from, so gdb and {@code analyze} never work the crash out apart) and runs the protocol core over TCP or a pipe
 * ({@link dev.zmkagent.agent.gdbserver.GdbServer}). TCP listens on 127.0.0.1 unless
 * {@link dev.zmkagent.agent.gdbserver.ListenAddress} names another host explicitly.
 */
package dev.zmkagent.agent.gdbserver;
