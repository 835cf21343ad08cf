package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.unwind.RegisterSet;

/**
 * One thread as gdb lists it: a positive id, a name ({@code info threads} shows it), the extra-info text gdb shows in
 * parentheses, and the registers the dump lets us know.
 */
public record GdbThread(long id, String name, String extraInfo, RegisterSet registers) {
    public GdbThread {
        if (id <= 0) {
            throw new IllegalArgumentException("gdb thread ids are positive");
        }
    }
}
