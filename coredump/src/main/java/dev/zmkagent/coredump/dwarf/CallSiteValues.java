package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteView;
import java.util.List;
import java.util.OptionalLong;

/**
 * The parameters a call site passes (DW_TAG_call_site_parameter / DW_TAG_GNU_call_site_parameter): where the callee
 * finds each one at its entry ({@code location}, typically DW_OP_regN) and how to compute its value in the caller's
 * frame ({@code value}, DW_AT_call_value).
 *
 * @param target entry pc of the function the call site calls, when DWARF names it
 */
public record CallSiteValues(OptionalLong target, List<Parameter> parameters, FrameScope.ExpressionUnit unit) {
    public CallSiteValues {
        parameters = List.copyOf(parameters);
    }

    public record Parameter(ByteView location, ByteView value) {
    }
}
