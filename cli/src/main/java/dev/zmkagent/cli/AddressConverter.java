package dev.zmkagent.cli;

import picocli.CommandLine;

/** Parses addresses given as 0x-prefixed hex or decimal. */
final class AddressConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toLowerCase();
        try {
            long n = v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
            if (n < 0 || n > 0xFFFF_FFFFL) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a 32-bit address");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an address (use 0x1000 or 4096)");
        }
    }
}
