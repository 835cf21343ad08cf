package dev.zmkagent.coredump.gdb;

import dev.zmkagent.coredump.unwind.RegisterSet;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The target description gdb reads with {@code qXfer:features:read}: an ARMv7E-M core (feature
 * {@code org.gnu.gdb.arm.m-profile}: r0–r12, sp, lr, pc, xpsr, numbered 0–16 in that order) and, when offered,
 * msp and psp (feature {@code org.gnu.gdb.arm.m-system}, 17–18). target.xml includes one annex per feature, so
 * gdb's include handling is exercised the way real stubs use it.
 */
public final class TargetDescription {
    public static final String PROFILE_ANNEX = "arm-m-profile.xml";
    public static final String SYSTEM_ANNEX = "arm-m-system.xml";

    private final boolean system;

    public TargetDescription(boolean system) {
        this.system = system;
    }

    /** Number of registers in a 'g' reply. */
    public int registerCount() {
        return system ? RegisterSet.COUNT : RegisterSet.XPSR + 1;
    }

    public Optional<byte[]> annex(String name) {
        String xml;
        switch (name) {
            case "target.xml":
                xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                        + "<target version=\"1.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
                        + "  <architecture>arm</architecture>\n"
                        + "  <xi:include href=\"" + PROFILE_ANNEX + "\"/>\n"
                        + (system ? "  <xi:include href=\"" + SYSTEM_ANNEX + "\"/>\n" : "")
                        + "</target>\n";
                break;
            case PROFILE_ANNEX:
                StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
                        + "<feature name=\"org.gnu.gdb.arm.m-profile\">\n");
                for (int r = 0; r <= RegisterSet.XPSR; r++) {
                    String type = r == RegisterSet.SP ? " type=\"data_ptr\"" : r == RegisterSet.PC ? " type=\"code_ptr\"" : "";
                    sb.append("  <reg name=\"").append(RegisterSet.name(r)).append("\" bitsize=\"32\" regnum=\"").append(r)
                            .append('"').append(type).append("/>\n");
                }
                xml = sb.append("</feature>\n").toString();
                break;
            case SYSTEM_ANNEX:
                if (!system) {
                    return Optional.empty();
                }
                xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
                        + "<feature name=\"org.gnu.gdb.arm.m-system\">\n"
                        + "  <reg name=\"msp\" bitsize=\"32\" regnum=\"17\" type=\"data_ptr\"/>\n"
                        + "  <reg name=\"psp\" bitsize=\"32\" regnum=\"18\" type=\"data_ptr\"/>\n"
                        + "</feature>\n";
                break;
            default:
                return Optional.empty();
        }
        return Optional.of(xml.getBytes(StandardCharsets.US_ASCII));
    }
}
