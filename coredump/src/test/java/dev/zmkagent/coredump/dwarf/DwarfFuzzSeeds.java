package dev.zmkagent.coredump.dwarf;

import dev.zmkagent.coredump.bytes.ByteView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the seed of one {@link DwarfFuzzTest} target into a corpus folder (bench/fuzz calls it when the corpus is
 * empty): the real section the target replaces, from the offset its frame splices the fuzzer's bytes in at, so the
 * seeds and the targets agree on what a byte means.
 */
public final class DwarfFuzzSeeds {
    private DwarfFuzzSeeds() {
    }

    static ByteView seed(String target) {
        DwarfFuzzTest.Frame d5 = DwarfFuzzTest.DWARF5;
        DwarfSections s = d5.real;
        return switch (target) {
            case "debugInfo" -> s.info.from(d5.unitOffset);
            case "debugAbbrev" -> s.abbrev.from(d5.abbrevOffset);
            case "debugLine" -> s.line.from(d5.lineOffset);
            case "debugStrings" -> s.str;
            case "debugRangeLists" -> s.rnglists;
            case "debugRanges" -> DwarfFuzzTest.DWARF4.real.ranges;
            case "debugAranges" -> s.aranges;
            case "debugLocLists" -> DwarfFuzzTest.VALUES.real.loclists;
            case "debugStrOffsetsAndAddr" -> {
                DwarfSections x = DwarfFormsTest.unit();
                byte[] out = new byte[1 + x.strOffsets.length() + x.addr.length()];
                out[0] = (byte) x.strOffsets.length();
                System.arraycopy(x.strOffsets.toArray(), 0, out, 1, x.strOffsets.length());
                System.arraycopy(x.addr.toArray(), 0, out, 1 + x.strOffsets.length(), x.addr.length());
                yield ByteView.of(out);
            }
            default -> throw new IllegalArgumentException("no DwarfFuzzTest target " + target);
        };
    }

    public static void main(String[] args) throws IOException {
        ByteView seed = seed(args[0]);
        if (seed.length() > 0) {
            Files.write(Path.of(args[1]).resolve("seed-" + args[0]), seed.toArray());
        }
    }
}
