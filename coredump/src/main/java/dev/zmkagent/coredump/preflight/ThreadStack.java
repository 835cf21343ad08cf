package dev.zmkagent.coredump.preflight;

/**
 * A thread stack object of the build: a variable of Zephyr's stack element type
 * ({@code struct z_thread_stack_element}, include/zephyr/kernel/thread_stack.h), its address and the bytes
 * its symbol spans.
 */
public record ThreadStack(String name, long address, long bytes) {
}
