package dev.zmkagent.agent.triage;

import dev.zmkagent.agent.analyze.Analyzer;
import dev.zmkagent.agent.analyze.DumpInput;
import dev.zmkagent.agent.analyze.DumpLoader;
import dev.zmkagent.agent.analyze.ElfIdentityCheck;
import dev.zmkagent.agent.analyze.InputKind;
import dev.zmkagent.agent.analyze.InputReader;
import dev.zmkagent.agent.analyze.LoadedDump;
import dev.zmkagent.agent.archive.AttachedFile;
import dev.zmkagent.agent.archive.Attachment;
import dev.zmkagent.agent.capture.DriveInfo;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.format.ArchBlock;
import dev.zmkagent.coredump.format.MemoryBlock;
import dev.zmkagent.coredump.format.ZephyrDump;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds the dumps and ELFs in an attachment, pairs them and analyzes each distinct dump once.
 *
 * <p>Every file is recognised by content ({@link InputReader}, the ELF magic): a file holding a dump is a dump input,
 * a UF2 or flash image without one is a firmware image, INFO_UF2.TXT and a bundle's firmware.txt say which board and
 * build. Files with the same dump content (a capture's CURRENT.UF2 and its partition.bin) are one dump.
 *
 * <p>Pairing, for each dump: the user's --elf when given; else, when the dump comes with its flash (a UF2 or flash
 * image), the ELF whose loadable bytes match it ({@link ElfIdentityCheck}); else the ELF a bundle's firmware.txt
 * names by SHA-256; else the only ELF of the attachment (of those given, when it holds none); else the only one in
 * the dump's own folder. When none fits, the dump is reported without symbols and says why.
 */
public final class AttachmentAnalyzer {
    private static final String FIRMWARE_TXT = "firmware.txt";
    private static final String INFO_TXT = "INFO_UF2.TXT";

    private final BoardCatalog catalog;
    private final Analyzer analyzer;

    public AttachmentAnalyzer(BoardCatalog catalog) {
        this.catalog = catalog;
        this.analyzer = new Analyzer(catalog);
    }

    /** An ELF met; {@code own} when it is inside the attachment (not given on the command line). */
    private record Elf(String name, String folder, ElfFile file, String sha256, boolean own) {
        Optional<String> firmwareId() {
            return Optional.of(file.buildId().orElse("sha256:" + sha256.substring(0, 16)));
        }
    }

    private record Found(AttachedFile file, DumpInput input, LoadedDump loaded, String sha256) {
    }

    /**
     * Analyzes every dump of the attachment.
     *
     * @param forcedElf the user's --elf: used for every dump, the identity check still reported
     * @param moreElfs ELFs to consider besides those inside the attachment (the identity check chooses)
     * @param seen when the dumps were taken, if the caller knows better than the files' times (a capture's time)
     * @throws FormatException when the attachment holds dumps but no ELF at all and none was given
     */
    public AttachmentAnalysis analyze(Attachment attachment, Optional<Path> forcedElf, List<Path> moreElfs, Optional<Instant> seen) throws IOException {
        List<Elf> elfs = new ArrayList<>();
        List<Found> dumps = new ArrayList<>();
        List<String> firmwareImages = new ArrayList<>();
        List<String> ignored = new ArrayList<>(attachment.skipped());
        Map<String, String> boardsByFolder = new LinkedHashMap<>();
        Map<String, String> elfShaByFolder = new LinkedHashMap<>();
        for (AttachedFile f : attachment.files()) {
            if (f.size() > InputReader.MAX_INPUT) {
                ignored.add(String.format("%s: %d MiB, larger than any dump or ELF", f.name(), f.size() >> 20));
                continue;
            }
            byte[] bytes = Files.readAllBytes(f.path());
            if (isElf(bytes)) {
                try {
                    elfs.add(new Elf(f.name(), f.folder(), ElfFile.parse(ByteView.of(bytes)), FirmwareRegistry.sha256(bytes), true));
                } catch (FormatException e) {
                    ignored.add(f.name() + ": not a readable ELF (" + e.getMessage() + ")");
                }
                continue;
            }
            if (f.baseName().equalsIgnoreCase(INFO_TXT)) {
                DriveInfo info = DriveInfo.parse(new String(bytes, StandardCharsets.ISO_8859_1));
                boardOf(info).ifPresent(b -> boardsByFolder.putIfAbsent(f.folder(), b));
                continue;
            }
            if (f.baseName().equalsIgnoreCase(FIRMWARE_TXT)) {
                readFirmwareTxt(new String(bytes, StandardCharsets.UTF_8), f.folder(), boardsByFolder, elfShaByFolder);
                continue;
            }
            DumpInput input;
            LoadedDump loaded;
            try {
                input = new InputReader(catalog).read(f.name(), bytes, OptionalLong.empty());
                loaded = new DumpLoader(catalog).load(input, Optional.empty(), Optional.empty());
            } catch (FormatException e) {
                ignored.add(e.getMessage());
                continue;
            }
            if (loaded.dump().isEmpty() && (input.kind() == InputKind.UF2 || input.kind() == InputKind.RAW_FLASH)) {
                firmwareImages.add(f.name());
                continue;
            }
            dumps.add(new Found(f, input, loaded, loaded.dump().map(AttachmentAnalyzer::contentSha256).orElse(FirmwareRegistry.sha256(bytes))));
        }
        for (Path p : forcedElf.map(List::of).orElse(moreElfs)) {
            byte[] bytes = readElf(p);
            try {
                elfs.add(new Elf(p.toString(), "", ElfFile.parse(ByteView.of(bytes)), FirmwareRegistry.sha256(bytes), false));
            } catch (FormatException e) {
                throw new FormatException(p + ": " + e.getMessage());
            }
        }
        if (elfs.isEmpty() && dumps.stream().anyMatch(d -> d.loaded().dump().isPresent())) {
            throw new FormatException(attachment.given() + (attachment.isSingleFile() ? " is a dump" : " holds " + describeDumps(dumps))
                    + " but no ELF: pass the build's zmk.elf with --elf (the zmk_debug CI artifact carries it as <board>-zmk.elf)");
        }

        // One analysis per distinct dump, made from its richest form.
        Map<String, List<Found>> bySha = new LinkedHashMap<>();
        dumps.sort(Comparator.comparing((Found d) -> rank(d.input().kind())).thenComparing(d -> d.file().name()));
        for (Found d : dumps) {
            bySha.computeIfAbsent(d.sha256(), k -> new ArrayList<>()).add(d);
        }
        List<DumpAnalysis> out = new ArrayList<>();
        for (List<Found> same : bySha.values()) {
            Found d = same.get(0);
            List<String> alsoIn = same.subList(1, same.size()).stream().map(x -> x.file().name()).toList();
            Pairing pair = forcedElf.isPresent() ? new Pairing(Optional.of(elfs.get(elfs.size() - 1)), "given with --elf")
                    : pair(d, elfs, elfShaByFolder);
            CrashReport report = analyzer.analyze(pair.elf().isPresent()
                    ? new DumpLoader(catalog).load(d.input(), Optional.of(pair.elf().get().file()), Optional.of(pair.elf().get().name()))
                    : d.loaded());
            if (pair.elf().isEmpty() && d.loaded().dump().isPresent()) {
                List<String> warnings = new ArrayList<>(report.warnings());
                warnings.add(0, "no ELF was used: " + pair.why());
                report = new CrashReport(report.input(), report.partition(), report.dump(), report.firmware(), report.frames(), report.memory(),
                        report.faultStatus(), report.diagnosis(), warnings, report.signature(), report.threads());
            }
            Optional<String> board = d.input().board().map(Board::id)
                    .or(() -> Optional.ofNullable(boardsByFolder.get(d.file().folder())))
                    .or(() -> pair.elf().flatMap(e -> boardFromArtifactName(e.name())));
            out.add(new DumpAnalysis(d.file().name(), alsoIn, pair.elf().map(Elf::name), pair.why(), report, d.sha256(), board,
                    pair.elf().flatMap(Elf::firmwareId), seen.or(() -> d.file().modified())));
        }
        return new AttachmentAnalysis(attachment.given(), out, elfs.stream().map(Elf::name).toList(), firmwareImages, ignored);
    }

    /** The catalog's board id for INFO_UF2.TXT's Board-ID or Model line, else what the line says. */
    private Optional<String> boardOf(DriveInfo info) {
        for (Board b : catalog.boards()) {
            if (info.boardId().filter(id -> b.boardIds().stream().anyMatch(id::equalsIgnoreCase)).isPresent()
                    || info.model().filter(m -> b.models().stream().anyMatch(m::equalsIgnoreCase)).isPresent()) {
                return Optional.of(b.id());
            }
        }
        return info.boardId().or(info::model);
    }

    private record Pairing(Optional<Elf> elf, String why) {
    }

    private static Pairing pair(Found d, List<Elf> elfs, Map<String, String> elfShaByFolder) {
        if (elfs.isEmpty()) {
            return new Pairing(Optional.empty(), "no ELF in the attachment");
        }
        if (d.input().flash().isPresent()) {
            List<String> mismatches = new ArrayList<>();
            for (Elf e : elfs) {
                ElfIdentityCheck.Result r = ElfIdentityCheck.check(e.file(), d.input().flash().get());
                if (r.compared() > 0 && !r.mismatch()) {
                    return new Pairing(Optional.of(e), String.format("its loadable bytes match the firmware in %s (%d bytes compared%s)",
                            d.file().baseName(), r.compared(), elfs.size() > 1 ? ", of " + elfs.size() + " ELFs" : ""));
                }
                mismatches.add(e.name() + (r.compared() == 0 ? " (none of its bytes are in the input)" : String.format(" (%d of %d bytes differ)", r.differing(), r.compared())));
            }
            if (elfs.size() == 1) {
                return new Pairing(Optional.of(elfs.get(0)), "the only ELF, although it does not match the firmware in " + d.file().baseName());
            }
            return new Pairing(Optional.empty(), "none of the " + elfs.size() + " ELFs matches the firmware in " + d.file().baseName() + ": "
                    + String.join(", ", mismatches) + "; pass the right one with --elf");
        }
        String named = elfShaByFolder.get(d.file().folder());
        if (named != null) {
            for (Elf e : elfs) {
                if (e.sha256().equalsIgnoreCase(named)) {
                    return new Pairing(Optional.of(e), "firmware.txt next to it names this ELF's SHA-256");
                }
            }
        }
        // Without firmware to compare, the attachment's own ELFs speak for it; ELFs from the command line only when it has none.
        boolean anyOwn = elfs.stream().anyMatch(Elf::own);
        List<Elf> distinct = elfs.stream().filter(e -> e.own() == anyOwn).filter(distinctBySha()).toList();
        if (distinct.size() == 1) {
            return new Pairing(Optional.of(distinct.get(0)), "the only ELF; " + d.file().baseName()
                    + " holds no firmware to check it against, so make sure it is the build that crashed");
        }
        List<Elf> sameFolder = distinct.stream().filter(e -> e.folder().equals(d.file().folder())).toList();
        if (sameFolder.size() == 1) {
            return new Pairing(Optional.of(sameFolder.get(0)), "the only ELF in the same folder; " + d.file().baseName()
                    + " holds no firmware to check it against");
        }
        return new Pairing(Optional.empty(), "there are " + distinct.size() + " ELFs and " + d.file().baseName()
                + " holds no firmware to tell which build it is: pass the right one with --elf");
    }

    private static java.util.function.Predicate<Elf> distinctBySha() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return e -> seen.add(e.sha256());
    }

    /** A zmk_debug CI artifact names its files after the board: {@code nice_nano_v2-zmk.elf}. */
    static Optional<String> boardFromArtifactName(String elfName) {
        String base = elfName.substring(Math.max(elfName.lastIndexOf('/'), elfName.lastIndexOf('\\')) + 1);
        if (base.endsWith("-zmk.elf") && base.length() > "-zmk.elf".length()) {
            return Optional.of(base.substring(0, base.length() - "-zmk.elf".length()));
        }
        return Optional.empty();
    }

    /** A bundle's firmware.txt: "board: nice_nano" and "ELF SHA-256: 3f2a...". */
    private static void readFirmwareTxt(String text, String folder, Map<String, String> boards, Map<String, String> elfSha) {
        for (String line : text.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (key.equals("board") && !value.isEmpty() && !value.equals("unknown")) {
                boards.putIfAbsent(folder, value);
            } else if (key.equals("elf sha-256") && value.matches("[0-9a-fA-F]{64}")) {
                elfSha.putIfAbsent(folder, value);
            }
        }
    }

    private static String describeDumps(List<Found> dumps) {
        List<String> names = dumps.stream().filter(d -> d.loaded().dump().isPresent()).map(d -> d.file().name()).toList();
        return (names.size() == 1 ? "a dump (" : names.size() + " dumps (") + String.join(", ", names) + ")";
    }

    /** Flash-shaped inputs first: they let the identity check pick the ELF. */
    private static int rank(InputKind k) {
        return switch (k) {
            case CURRENT_UF2 -> 0;
            case UF2 -> 1;
            case RAW_FLASH -> 2;
            case PARTITION -> 3;
            case ZE_STREAM -> 4;
            case CONSOLE_LOG -> 5;
        };
    }

    private static boolean isElf(byte[] b) {
        return b.length >= 4 && (b[0] & 0xFF) == 0x7F && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    private static byte[] readElf(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new FormatException(Files.exists(p) ? p + " is not a file" : "no such file: " + p);
        }
        if (Files.size(p) > InputReader.MAX_INPUT) {
            throw new FormatException(p + " is larger than any ELF (" + (Files.size(p) >> 20) + " MiB)");
        }
        return Files.readAllBytes(p);
    }

    /**
     * SHA-256 over what the dump holds, whatever carried it: the 'ZE' header fields, the reason, every register of the
     * arch block (with whether it is known), every memory block's address and stored bytes, and the 'T' block. A
     * CURRENT.UF2, the partition image saved from it and the same stream in a log give the same value.
     */
    static String contentSha256(ZephyrDump d) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            StringBuilder head = new StringBuilder("zmk-agent-dump-content-v1\n");
            head.append(d.headerVersion()).append(' ').append(d.targetCode()).append(' ').append(d.pointerSizeBits()).append(' ')
                    .append(d.flags()).append(' ').append(d.reason()).append('\n');
            if (d.arch().isPresent()) {
                ArchBlock a = d.arch().get();
                head.append("arch ").append(a.version());
                for (int i = 0; i < ArchBlock.COUNT; i++) {
                    head.append(' ').append(a.known(i) ? Long.toHexString(a.r(i)) : "-");
                }
                head.append('\n');
            }
            md.update(head.toString().getBytes(StandardCharsets.UTF_8));
            for (MemoryBlock mb : d.memory()) {
                md.update(String.format("M %x %x %d%n", mb.start(), mb.end(), mb.data().length()).getBytes(StandardCharsets.UTF_8));
                md.update(mb.data().toArray());
            }
            d.threadsMetadata().ifPresent(t -> {
                md.update(("T " + t.length + "\n").getBytes(StandardCharsets.UTF_8));
                md.update(t);
            });
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
