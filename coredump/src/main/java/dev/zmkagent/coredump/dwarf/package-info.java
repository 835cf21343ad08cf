/**
 * DWARF reading and symbolization: code address to function, inlined-call chain and file:line, answering as
 * gdb-multiarch 13 does (proved address by address against it in the tests).
 *
 * <p>Entry points: {@link dev.zmkagent.coredump.dwarf.DebugInfo#forElf} (DWARF when present, else
 * {@link dev.zmkagent.coredump.dwarf.ElfSymbolizer}), {@link dev.zmkagent.coredump.dwarf.DebugInfo#frames},
 * {@link dev.zmkagent.coredump.dwarf.DebugInfo#function}, {@link dev.zmkagent.coredump.dwarf.DebugInfo#callSiteAt} and
 * {@link dev.zmkagent.coredump.dwarf.DebugInfo#callSitesIn} (DWARF 5 and GNU DWARF 4 call sites);
 * for data, one reader, {@link dev.zmkagent.coredump.dwarf.StaticVariables} (every variable with a fixed address and
 * the layout of its type), with two queries over it: {@link dev.zmkagent.coredump.dwarf.DwarfObjects} (member paths
 * and the statically allocated instances of a struct: Zephyr's thread objects on builds without a thread-info table)
 * and {@link dev.zmkagent.coredump.dwarf.DataTypes} (struct members and typed variables, for the ELF-only preflight). Reads DWARF 2–5 units in the 32-bit format; 64-bit DWARF,
 * type units, split DWARF (.dwo) and supplementary files are refused or ignored. Everything is decoded per compile
 * unit, on demand. Imports only {@code bytes}, {@code elf}, {@code memory.AddressRange} and {@code symbols}.
 */
package dev.zmkagent.coredump.dwarf;
