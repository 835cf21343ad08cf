package dev.zmkagent.agent.analyze;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.format.ConsoleLogDump;
import dev.zmkagent.coredump.format.FlashHeader;
import dev.zmkagent.coredump.format.ZephyrDumpParser;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.uf2.FlashImage;
import dev.zmkagent.device.uf2.Uf2Block;
import dev.zmkagent.device.uf2.Uf2File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Recognises what a file is from its content: UF2 (and whether it is an Adafruit CURRENT.UF2), a coredump
 * partition image, a bare 'ZE' stream, a console log with #CD: lines, or a raw flash image.
 */
public final class InputReader {
    /** Largest input accepted: a whole nRF52840 flash as UF2 is under 2 MiB; logs can be larger. */
    public static final long MAX_INPUT = dev.zmkagent.agent.io.UserFiles.MAX_INPUT;
    private static final int PARTITION_SIZE = 0x10000;

    private final BoardCatalog catalog;

    public InputReader(BoardCatalog catalog) {
        this.catalog = catalog;
    }

    public DumpInput read(String path, byte[] content, OptionalLong userBase) {
        DumpInput in = recognise(path, content, userBase);
        if (userBase.isPresent() && in.kind() != InputKind.RAW_FLASH) {
            List<String> notes = new ArrayList<>(in.notes());
            notes.add("--base was ignored: the input is a " + in.kind().description() + ", which carries its own addresses");
            return new DumpInput(in.kind(), in.path(), in.description(), in.flash(), in.partition(), in.stream(), in.base(), in.board(),
                    in.window(), List.copyOf(notes));
        }
        return in;
    }

    private DumpInput recognise(String path, byte[] content, OptionalLong userBase) {
        ByteView b = ByteView.of(content);
        if (content.length == 0) {
            throw new FormatException(path + " is empty");
        }
        if (content.length >= 4 && (content[0] & 0xFF) == 0x7F && content[1] == 'E' && content[2] == 'L' && content[3] == 'F') {
            throw new FormatException(path + " is an ELF file, not a dump: give it with --elf and pass the dump (CURRENT.UF2, partition image, 'ZE' stream or log) as the input", 0);
        }
        if (Uf2File.looksLikeUf2(b)) {
            return uf2(path, b);
        }
        if (ZephyrDumpParser.looksLikeStream(b)) {
            return new DumpInput(InputKind.ZE_STREAM, path, InputKind.ZE_STREAM.description() + ", " + content.length + " bytes",
                    Optional.empty(), Optional.empty(), Optional.of(b), OptionalLong.empty(), Optional.empty(), Optional.empty(), List.of());
        }
        if (b.has(0, 2) && b.u8(0) == 'C' && b.u8(1) == 'D' && content.length <= PARTITION_SIZE * 4) {
            return partition(path, b, " ('CD' header)");
        }
        if (content.length == PARTITION_SIZE && isErasedHeader(b)) {
            return partition(path, b, ZephyrDumpParser.looksLikeStream(b.from(16)) ? ", header erased, stream present" : ", erased");
        }
        if (ConsoleLogDump.looksLikeLog(content)) {
            ConsoleLogDump.Extracted ex = ConsoleLogDump.extract(content);
            List<String> notes = new ArrayList<>();
            if (!ex.ended()) {
                notes.add("the log has no #CD:END# line: the dump may be incomplete");
            }
            return new DumpInput(InputKind.CONSOLE_LOG, path, InputKind.CONSOLE_LOG.description() + " (dump starts at line " + ex.firstLine() + ", "
                    + ex.stream().length + " bytes)", Optional.empty(), Optional.empty(), Optional.of(ByteView.of(ex.stream())),
                    OptionalLong.empty(), Optional.empty(), Optional.empty(), notes);
        }
        if (content.length >= PARTITION_SIZE) {
            return rawFlash(path, b, userBase);
        }
        throw new FormatException(path + " is not a dump: it is no UF2 file, coredump partition ('CD'), 'ZE' stream or #CD: log, and at "
                + content.length + " bytes it is too small to be a flash image", 0);
    }

    private static boolean isErasedHeader(ByteView b) {
        for (int i = 0; i < FlashHeader.LENGTH; i++) {
            if (b.u8(i) != 0xFF) {
                return false;
            }
        }
        return true;
    }

    private DumpInput partition(String path, ByteView b, String state) {
        return new DumpInput(InputKind.PARTITION, path, "coredump partition image" + state + ", " + b.length() + " bytes",
                Optional.empty(), Optional.of(b), Optional.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    private DumpInput uf2(String path, ByteView b) {
        Uf2File uf2 = Uf2File.parse(b);
        FlashImage image = uf2.toFlashImage();
        List<String> notes = new ArrayList<>();
        Optional<Board> board = Optional.empty();
        for (long family : uf2.families()) {
            Optional<Board> byFamily = catalog.byFamily(family);
            if (byFamily.isPresent()) {
                board = byFamily;
                break;
            }
        }
        if (uf2.families().size() <= 1) {
            // Every block carries the file's block count; they must agree with each other and with the file.
            java.util.Set<Long> counts = new java.util.TreeSet<>();
            for (Uf2Block bl : uf2.blocks()) {
                counts.add(bl.numBlocks());
            }
            if (counts.size() > 1) {
                notes.add("the UF2 blocks disagree on the file's block count " + counts + ": the file is damaged or stitched together");
            } else if (counts.iterator().next() != uf2.blocks().size()) {
                notes.add(String.format("the UF2 blocks say the file has %d blocks, but it holds %d: it may be incomplete or a concatenation",
                        counts.iterator().next(), uf2.blocks().size()));
            }
        }
        if (uf2.families().size() > 1) {
            notes.add("the UF2 holds blocks of several families: " + uf2.families().stream().map(f -> String.format("0x%08x", f)).toList());
        }
        Optional<BootloaderWindow> window = matchingWindow(uf2);
        boolean current = window.isPresent() && isBootloaderRendering(uf2);
        String families = uf2.families().isEmpty() ? "no family ID" : "family " + uf2.families().stream().map(f -> String.format("0x%08X", f)).reduce((x, y) -> x + ", " + y).orElse("");
        StringBuilder desc = new StringBuilder();
        if (current) {
            BootloaderWindow w = window.get();
            desc.append(InputKind.CURRENT_UF2.description()).append(String.format(" (window 0x%x-0x%x: bootloader %s)", w.start(), w.end(), versions(w)));
        } else {
            desc.append(InputKind.UF2.description()).append(String.format(" (%d blocks, 0x%x-0x%x)", uf2.blocks().size(), image.lowest(), image.highestEnd()));
        }
        desc.append(", ").append(families);
        board.ifPresent(bd -> desc.append(", ").append(bd.name()));
        return new DumpInput(current ? InputKind.CURRENT_UF2 : InputKind.UF2, path, desc.toString(), Optional.of(image), Optional.empty(),
                Optional.empty(), OptionalLong.empty(), board, current ? window : Optional.empty(), notes);
    }

    private static String versions(BootloaderWindow w) {
        if (w.toVersion() == null) {
            return w.fromVersion() + " or later";
        }
        return w.fromVersion() + " to " + w.toVersion();
    }

    private Optional<BootloaderWindow> matchingWindow(Uf2File uf2) {
        List<Uf2Block> blocks = uf2.blocks();
        if (blocks.isEmpty()) {
            return Optional.empty();
        }
        long first = blocks.get(0).targetAddress();
        long end = blocks.get(blocks.size() - 1).targetAddress() + blocks.get(blocks.size() - 1).payloadSize();
        for (BootloaderWindow w : catalog.windows()) {
            if (w.start() == first && w.end() == end && blocks.size() == w.blockCount()) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    /** The bootloader writes block i at start + i*256 with a 256-byte payload and its board's family on every block. */
    private static boolean isBootloaderRendering(Uf2File uf2) {
        List<Uf2Block> blocks = uf2.blocks();
        long start = blocks.get(0).targetAddress();
        long family = blocks.get(0).familyId();
        for (int i = 0; i < blocks.size(); i++) {
            Uf2Block bl = blocks.get(i);
            if (bl.targetAddress() != start + 256L * i || bl.payloadSize() != 256 || bl.blockNo() != i
                    || bl.numBlocks() != blocks.size() || bl.familyId() != family) {
                return false;
            }
        }
        return true;
    }

    private DumpInput rawFlash(String path, ByteView b, OptionalLong userBase) {
        List<String> notes = new ArrayList<>();
        long base;
        String how;
        if (userBase.isPresent()) {
            base = userBase.getAsLong();
            how = "--base";
            if (base + b.length() > 0x1_0000_0000L) {
                throw new FormatException(String.format("--base 0x%x puts the end of the %d-byte image past the 32-bit address space", base, b.length()));
            }
        } else {
            BaseGuess g = guessBase(b);
            if (!g.recognised && !hasFlashHeaderAtAPage(b)) {
                throw new FormatException(path + " is not a dump: no UF2, coredump partition ('CD'), 'ZE' stream or #CD: log, and as a flash image"
                        + " it has no application vector table for a known board and no 'CD' header at any 4 KiB boundary"
                        + " (if it is a flash image, give its address with --base)", 0);
            }
            base = g.base;
            how = g.reason;
        }
        FlashImage image = FlashImage.of(base, b.toArray());
        String desc = String.format("%s, %d bytes at base 0x%x (%s)", InputKind.RAW_FLASH.description(), b.length(), base, how);
        return new DumpInput(InputKind.RAW_FLASH, path, desc, Optional.of(image), Optional.empty(), Optional.empty(),
                OptionalLong.of(base), Optional.empty(), Optional.empty(), notes);
    }

    /** Any 4 KiB-aligned offset starting with the 'CD' id (the scan proper judges the header later). */
    private static boolean hasFlashHeaderAtAPage(ByteView b) {
        for (int o = 0; o + FlashHeader.LENGTH <= b.length(); o += 0x1000) {
            if (b.u8(o) == 'C' && b.u8(o + 1) == 'D' && b.u16(o + 2) == 1) {
                return true;
            }
        }
        return false;
    }

    private record BaseGuess(long base, String reason, boolean recognised) {
    }

    /**
     * uf2conv.py output of a CURRENT.UF2 starts at 0x1000; a full flash read starts at 0. Decide from where an
     * application vector table (initial SP in RAM, odd reset vector in flash) sits for a catalog board.
     */
    private BaseGuess guessBase(ByteView b) {
        for (long candidate : new long[] {0x1000, 0}) {
            for (Board board : catalog.boards()) {
                long off = board.appStart() - candidate;
                if (b.has(off, 8)) {
                    long sp = b.u32((int) off);
                    long reset = b.u32((int) off + 4);
                    if (sp >= 0x2000_0000L && sp <= 0x2004_0000L && (reset & 1) == 1 && reset > board.appStart() && reset < 0x10_0000L) {
                        return new BaseGuess(candidate, String.format("application vector table found at 0x%x for %s", board.appStart(), board.name()), true);
                    }
                }
            }
        }
        if (b.length() == 0xE9000 || b.length() == 0xAC000) {
            return new BaseGuess(0x1000, "the size matches a CURRENT.UF2 window converted by uf2conv.py", true);
        }
        return new BaseGuess(0x1000, "default for uf2conv.py output of CURRENT.UF2; pass --base if it is a full flash read from 0", false);
    }
}
