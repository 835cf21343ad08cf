package dev.zmkagent.coredump.preflight;

/** A RAM object (ELF symbol) that a truncated dump will lack, whole or from {@code bytesLost} bytes before its end. */
public record LostObject(String name, long address, long size, long bytesLost, String what) {
    public boolean partly() {
        return bytesLost < size;
    }
}
