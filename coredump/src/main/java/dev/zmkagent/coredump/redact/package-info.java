/**
 * Removing Bluetooth key material from what leaves the machine, without changing what the analysis sees.
 *
 * <p>{@link dev.zmkagent.coredump.redact.KeyObjects} finds where keys live in RAM from the ELF (DWARF types of Zephyr's
 * host key storage, or, without them, the names of objects); {@link dev.zmkagent.coredump.redact.DumpRedactor} blanks
 * those bytes in a stored coredump and repairs its checksums; {@link dev.zmkagent.coredump.redact.SettingsStorage}
 * reads Zephyr's settings partition (NVS or ZMS) and {@link dev.zmkagent.coredump.redact.SettingsRedactor} blanks the
 * values of key records, names kept. Every blanked range is a {@link dev.zmkagent.coredump.redact.Redaction}. Pure:
 * byte arrays in, byte arrays out. Imports {@code bytes}, {@code elf}, {@code dwarf}, {@code format}.
 */
package dev.zmkagent.coredump.redact;
