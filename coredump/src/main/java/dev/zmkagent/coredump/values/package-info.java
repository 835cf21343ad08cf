/**
 * Values of a backtrace's arguments and locals, as gdb prints them: DWARF location evaluation
 * ({@link dev.zmkagent.coredump.values.ExpressionEvaluator}), per-frame registers from the unwinder, gdb's value
 * formatting, gdb's entry values ({@code name@entry=}), and why a value is missing
 * ({@link dev.zmkagent.coredump.values.MissingReasons}). Entry point: {@link dev.zmkagent.coredump.values.FrameValues}.
 */
package dev.zmkagent.coredump.values;
