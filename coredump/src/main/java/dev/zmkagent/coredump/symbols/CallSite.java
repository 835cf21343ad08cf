package dev.zmkagent.coredump.symbols;

import java.util.OptionalLong;

/**
 * One call instruction as DWARF describes it (DW_TAG_call_site, or DW_TAG_GNU_call_site in DWARF 4 GNU output).
 *
 * @param function   entry pc of the concrete function whose code holds the call
 * @param returnPc   the address after the call instruction (DW_AT_call_return_pc; DW_AT_low_pc of a GNU call site)
 * @param callPc     the address of the call instruction itself (DW_AT_call_pc), when the producer gave it
 * @param target     entry pc of the called function, when known (through DW_AT_call_origin / DW_AT_abstract_origin,
 *                   or a DW_AT_call_target that is a constant address); absent for indirect calls
 * @param targetName name of the called function, or null
 * @param tailCall   DW_AT_call_tail_call / DW_AT_GNU_tail_call: a jump that does not return here
 */
public record CallSite(long function, OptionalLong returnPc, OptionalLong callPc, OptionalLong target, String targetName,
        boolean tailCall) {

    /** The pc gdb gives a tail-call frame at this site: the return pc, else the call pc. */
    public long framePc() {
        return returnPc.isPresent() ? returnPc.getAsLong() : callPc.orElseThrow();
    }

    /**
     * The address whose source line is the call's: inside the call instruction, one before the return pc (which may
     * already be the next function's first byte), or the call pc itself.
     */
    public long lookupPc() {
        return returnPc.isPresent() ? returnPc.getAsLong() - 1 : callPc.orElseThrow();
    }

    @Override
    public String toString() {
        return String.format("call site in 0x%08x at %s -> %s%s", function,
                returnPc.isPresent() ? String.format("return 0x%08x", returnPc.getAsLong()) : String.format("call 0x%08x", callPc.orElse(0)),
                target.isPresent() ? String.format("0x%08x", target.getAsLong()) + (targetName == null ? "" : " <" + targetName + ">")
                        : (targetName == null ? "?" : targetName),
                tailCall ? " (tail call)" : "");
    }
}
