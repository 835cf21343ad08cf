package dev.zmkagent.device.flash;

import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.uf2.Uf2Block;
import dev.zmkagent.device.uf2.Uf2File;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that must hold before a UF2 goes to a bootloader. The Adafruit bootloader checks little: it writes any
 * 256-byte, 256-aligned, family-tagged block of its family inside [0x1000, USER_FLASH_END), silently drops the rest,
 * and completes when it has counted numBlocks distinct block numbers. So we check what it does not: the SoftDevice the
 * image was linked for, the window of this bootloader version, the coredump partition of the debug variant.
 */
public final class FlashCheck {
    private FlashCheck() {
    }

    public static CheckResult check(Uf2File firmware, BootloaderTarget target, CheckOptions options) {
        List<Refusal> refusals = new ArrayList<>();
        List<String> warnings = new ArrayList<>(target.notes());
        if (target.softDeviceMissing()) {
            warnings.remove(BootloaderTarget.NO_SOFTDEVICE_NOTE);
            if (options.waives(CheckOptions.Waiver.SOFTDEVICE_CHECK)) {
                warnings.add("the bootloader reports no SoftDevice installed: this firmware will not run until it is restored"
                        + " (flashing anyway: --no-softdevice-check)");
            } else {
                refusals.add(new Refusal(Refusal.Rule.NO_SOFTDEVICE, "INFO_UF2.TXT says \"SoftDevice: not found\": a ZMK firmware cannot"
                        + " run without the SoftDevice; restore it first (or pass --no-softdevice-check to flash anyway)"));
                return result(refusals, warnings, List.of(), Optional.empty());
            }
        }
        Board board = target.board();
        BootloaderWindow window = target.window();

        List<Uf2Block> app = new ArrayList<>();
        int otherFamilies = 0;
        for (int i = 0; i < firmware.blocks().size(); i++) {
            Uf2Block b = firmware.blocks().get(i);
            if (!b.isFlash()) {
                continue;
            }
            if (!b.hasFamily()) {
                refusals.add(new Refusal(Refusal.Rule.BLOCK_IGNORED_BY_BOOTLOADER, String.format(
                        "UF2 block %d has no family ID flag (0x2000): the bootloader ignores such blocks, so it would never finish"
                                + " (rebuild with uf2conv.py -f 0xADA52840)", i)));
                break;
            }
            if (b.familyId() == BootloaderTarget.FAMILY_BOOTLOADER_UPDATE) {
                refusals.add(new Refusal(Refusal.Rule.BOOTLOADER_UPDATE,
                        "this UF2 is a bootloader update (family 0xD663823C), not a ZMK firmware: zmk-agent does not flash bootloaders"));
                return result(refusals, warnings, app, Optional.empty());
            }
            if (!target.acceptedFamilies().contains(b.familyId())) {
                otherFamilies++;
                continue;
            }
            if (b.payloadSize() != 256 || (b.targetAddress() & 0xFF) != 0) {
                refusals.add(new Refusal(Refusal.Rule.BLOCK_IGNORED_BY_BOOTLOADER, String.format(
                        "UF2 block %d has a %d-byte payload at 0x%X: the bootloader only takes 256-byte, 256-aligned blocks and would"
                                + " never finish", i, b.payloadSize(), b.targetAddress())));
                break;
            }
            app.add(b);
        }
        if (app.isEmpty()) {
            if (otherFamilies > 0 && refusals.isEmpty()) {
                refusals.add(new Refusal(Refusal.Rule.FAMILY, String.format(
                        "the UF2's family ID %s is not one %s's bootloader accepts (%s): it is built for another board",
                        families(firmware), board.name(), accepted(target))));
            } else if (refusals.isEmpty()) {
                refusals.add(new Refusal(Refusal.Rule.NO_APPLICATION_BLOCKS, "the UF2 holds no main-flash blocks to write"));
            }
            return result(refusals, warnings, app, Optional.empty());
        }
        if (otherFamilies > 0) {
            warnings.add(otherFamilies + " blocks are for other boards' families; the bootloader skips them");
        }
        if (!refusals.isEmpty()) {
            return result(refusals, warnings, app, Optional.empty());
        }

        long first = app.stream().mapToLong(Uf2Block::targetAddress).min().orElseThrow();
        long end = app.stream().mapToLong(b -> b.targetAddress() + b.payloadSize()).max().orElseThrow();
        String sd = target.softDevice().map(Object::toString).orElse("its SoftDevice");
        if (first != target.appStart()) {
            String what = first < target.appStart()
                    ? String.format("it would overwrite the tail of %s (0x%X-0x%X)", sd, first, target.appStart())
                    : "the bootloader would jump to erased or stale code";
            refusals.add(new Refusal(Refusal.Rule.APP_START, String.format(
                    "the firmware starts at 0x%X but this %s has %s%s, whose application starts at 0x%X: %s",
                    first, board.name(), sd, target.softDeviceFromInfo() ? "" : " (catalog default)", target.appStart(), what)));
        }
        for (Uf2Block b : app) {
            if (!window.covers(b.targetAddress(), b.payloadSize())) {
                refusals.add(new Refusal(Refusal.Rule.OUTSIDE_WINDOW, String.format(
                        "block at 0x%X is outside what bootloader %s writes (0x%X-0x%X): it would be dropped and the copy would never"
                                + " finish (firmware ends at 0x%X)", b.targetAddress(), target.bootloaderVersion().orElse("(unknown version)"),
                        window.start(), window.end(), end)));
                break;
            }
        }
        neverCompletes(app).ifPresent(refusals::add);

        Optional<Board.Variant> variant = resolveVariant(board, options, refusals);
        variant.flatMap(Board.Variant::coredump).ifPresent(p -> {
            for (Uf2Block b : app) {
                if (b.targetAddress() < p.end() && b.targetAddress() + b.payloadSize() > p.start()) {
                    refusals.add(new Refusal(Refusal.Rule.COREDUMP_OVERLAP, String.format(
                            "the firmware writes 0x%X, inside the %s coredump partition 0x%X-0x%X: it would erase stored crashes;"
                                    + " build the %s variant (or pass --variant for the right layout)",
                            b.targetAddress(), variant.get().name(), p.start(), p.end(), variant.get().name())));
                    return;
                }
            }
            if (end > p.start()) {
                refusals.add(new Refusal(Refusal.Rule.PAST_COREDUMP, String.format(
                        "the firmware ends at 0x%X, past the %s coredump partition at 0x%X: its code must end below the partition",
                        end, variant.get().name(), p.start())));
            }
        });
        if (options.elfHasCoredump().isPresent()) {
            if (!options.elfHasCoredump().get()) {
                warnings.add("the ELF has no Zephyr coredump code: this firmware will not store crashes (flash a zmk_debug build)");
            }
        } else if (variant.isEmpty() || variant.get().coredump().isEmpty()) {
            warnings.add("not a coredump-enabled variant as far as the layout tells: crashes will not be stored");
        } else {
            warnings.add("cannot tell from the UF2 alone whether coredumps are enabled; pass --elf zmk.elf to check");
        }
        return result(refusals, warnings, app, variant);
    }

    /** The bootloader counts distinct block numbers against the first block's numBlocks; a mismatch never completes. */
    static Optional<Refusal> neverCompletes(List<Uf2Block> app) {
        long total = app.get(0).numBlocks();
        for (Uf2Block b : app) {
            if (b.numBlocks() != total && b.numBlocks() != 0) {
                return Optional.of(new Refusal(Refusal.Rule.NEVER_COMPLETES, String.format(
                        "UF2 blocks disagree on the block count (%d and %d): the bootloader would never finish", total, b.numBlocks())));
            }
        }
        if (total == 0 || total >= 4196) {
            return Optional.of(new Refusal(Refusal.Rule.NEVER_COMPLETES, "UF2 block count " + total
                    + " is one the bootloader never reaches"));
        }
        if (app.size() > total) {
            // uf2conv.py numbers each family's blocks 0..numBlocks-1 once: more blocks than that is a file that was
            // concatenated with itself or padded; the bootloader would stop after numBlocks and leave the rest unwritten.
            return Optional.of(new Refusal(Refusal.Rule.NEVER_COMPLETES, String.format(
                    "the UF2 holds %d blocks for this board but its blocks say there are %d: not one build (a file repeated or"
                            + " joined to another?)", app.size(), total)));
        }
        Map<Long, Integer> firstAt = new HashMap<>();
        BitSet seen = new BitSet();
        for (int i = 0; i < app.size(); i++) {
            Uf2Block b = app.get(i);
            Integer earlier = firstAt.putIfAbsent(b.targetAddress(), i);
            if (earlier != null) {
                return Optional.of(new Refusal(Refusal.Rule.REPEATED_ADDRESS, String.format(
                        "UF2 blocks %d and %d both write 0x%X: one build writes each address once (a file repeated or joined to another?)",
                        earlier, i, b.targetAddress())));
            }
            if (b.blockNo() < total) {
                if (seen.get((int) b.blockNo())) {
                    return Optional.of(new Refusal(Refusal.Rule.NEVER_COMPLETES, String.format(
                            "UF2 block number %d appears twice: the bootloader counts it once and would never finish", b.blockNo())));
                }
                seen.set((int) b.blockNo());
            }
        }
        if (seen.cardinality() < total) {
            return Optional.of(new Refusal(Refusal.Rule.NEVER_COMPLETES, String.format(
                    "the UF2 says it has %d blocks but only %d distinct block numbers reach this bootloader: it would never finish",
                    total, seen.cardinality())));
        }
        return Optional.empty();
    }

    private static Optional<Board.Variant> resolveVariant(Board board, CheckOptions options, List<Refusal> refusals) {
        if (options.variant().isPresent()) {
            Optional<Board.Variant> v = board.variant(options.variant().get());
            if (v.isEmpty()) {
                refusals.add(new Refusal(Refusal.Rule.UNKNOWN_VARIANT, "variant " + options.variant().get() + " is not in the catalog for "
                        + board.name() + " (known: " + board.variants().stream().map(Board.Variant::name).toList() + ")"));
            }
            return v;
        }
        Optional<Board.Variant> fromDump = options.dumpVariant().flatMap(board::variant);
        if (fromDump.isPresent()) {
            return fromDump;
        }
        return board.variant("zmk_debug").or(() -> board.debugVariants().stream().findFirst());
    }

    private static String families(Uf2File f) {
        return f.families().stream().map(x -> String.format("0x%08X", x)).toList().toString().replaceAll("[\\[\\]]", "");
    }

    /** Exactly the families the check lets through, in order: "0x28860044, 0x28860045 or 0xADA52840". */
    static String accepted(BootloaderTarget target) {
        List<String> f = target.acceptedFamilies().stream().sorted().map(x -> String.format("0x%08X", x)).toList();
        return f.size() == 1 ? f.get(0) : String.join(", ", f.subList(0, f.size() - 1)) + " or " + f.get(f.size() - 1);
    }

    private static CheckResult result(List<Refusal> refusals, List<String> warnings, List<Uf2Block> app, Optional<Board.Variant> v) {
        long first = app.stream().mapToLong(Uf2Block::targetAddress).min().orElse(0);
        long end = app.stream().mapToLong(b -> b.targetAddress() + b.payloadSize()).max().orElse(0);
        return new CheckResult(List.copyOf(refusals), List.copyOf(warnings), first, end, app.size(), v);
    }
}
