package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.memory.AddressRange;
import java.util.List;

/**
 * The concrete (out-of-line) function containing an address: what an unwinder and a report need about it.
 *
 * @param name        the name gdb prints (DW_AT_name, through DW_AT_abstract_origin / DW_AT_specification)
 * @param lowPc       lowest address of the function's code
 * @param highPc      one past its highest address
 * @param entryPc     where it is entered: DW_AT_low_pc, else the first listed range (gdb's entry pc)
 * @param ranges      its address ranges (one for contiguous functions; several when GCC split off .cold parts)
 * @param compileUnit DW_AT_name of the compile unit holding it
 * @param declFile    file of its declaration as gdb names it, or null
 * @param declLine    line of its declaration, 0 when unknown
 */
public record FunctionInfo(String name, long lowPc, long highPc, long entryPc, List<AddressRange> ranges, String compileUnit,
        String declFile, int declLine) {
    public FunctionInfo {
        ranges = List.copyOf(ranges);
    }

    public boolean contains(long pc) {
        for (AddressRange r : ranges) {
            if (r.contains(pc)) {
                return true;
            }
        }
        return false;
    }
}
