package dev.zmkagent.agent.bundle;

import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.redact.DumpRedactor;
import dev.zmkagent.coredump.redact.KeyObjects;
import dev.zmkagent.coredump.redact.Redaction;
import dev.zmkagent.coredump.redact.SettingsRedactor;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.device.uf2.FlashImage;
import dev.zmkagent.device.uf2.Uf2File;
import dev.zmkagent.device.uf2.Uf2Patcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Removes Bluetooth key material from copies of a capture's files (never from the capture itself): the key objects of
 * the dumped RAM in partition.bin and in CURRENT.UF2's copy of the coredump partition, and the key records of the
 * settings partition wherever CURRENT.UF2 holds it (every bootloader's CURRENT.UF2 ends below ZMK's storage_partition
 * today, but a flash image that reaches it is redacted all the same). The keys are located from the ELF
 * ({@link KeyObjects}); without DWARF types for them, the fallback blanks whole objects and the whole settings partition.
 */
public final class CaptureRedactor {
    private CaptureRedactor() {
    }

    /** One range removed, and the bundle file it was removed from. */
    public record Item(String file, Redaction redaction) {
    }

    /**
     * @param method     how the keys were located (types or names), one sentence
     * @param notChecked what could not be checked, one sentence each
     * @param notes      what else was done (checksums recomputed, ranges absent), one sentence each
     */
    public record Redacted(byte[] partition, Optional<byte[]> currentUf2, boolean typed, String method, List<Item> items,
                           List<String> notChecked, List<String> notes) {
        public long bytesRemoved() {
            return items.stream().mapToLong(i -> i.redaction().size()).sum();
        }

        /**
         * The record without what concerns CURRENT.UF2, for a bundle that does not carry it (its redacted copy still
         * serves the report, but listing a file the zip lacks would only confuse).
         */
        public Redacted withoutCurrentUf2() {
            return new Redacted(partition, currentUf2, typed, method,
                    items.stream().filter(i -> !i.file().startsWith(CaptureStore.CURRENT_UF2)).toList(), notChecked,
                    notes.stream().filter(n -> !n.startsWith(CaptureStore.CURRENT_UF2)).toList());
        }
    }

    public static Redacted redact(StoredCapture c, byte[] partition, Optional<byte[]> currentUf2, ElfFile elf, BoardCatalog catalog) {
        KeyObjects keys = KeyObjects.find(elf);
        List<Item> items = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String method = keys.notes().get(0);
        notChecked.addAll(keys.notes().subList(keys.typed() ? 1 : 0, keys.notes().size()));
        if (keys.targets().isEmpty()) {
            notChecked.add("The ELF names no object that holds keys" + (keys.typed() ? "" : " and has no struct bt_keys type")
                    + ": either this build has no Bluetooth host, or its keys could not be located. Nothing was removed from the dumped RAM.");
        }

        Map<String, Object> pm = c.section("partition").orElse(Map.of());
        long address = c.partitionAddress();
        byte[] part = partition.length == 0 ? partition : dump(CaptureStore.PARTITION_FILE, address, partition, keys, items, notes);

        Optional<byte[]> uf2 = Optional.empty();
        if (currentUf2.isPresent()) {
            byte[] out = currentUf2.get();
            FlashImage flash = Uf2File.parse(ByteView.of(out)).toFlashImage();
            int size = pm.get("size") instanceof Number n ? n.intValue() : partition.length;
            if (address > 0 && size > 0 && flash.covers(address, size)) {
                byte[] inFlash = flash.view(address, size).toArray();
                byte[] redacted = dump(CaptureStore.CURRENT_UF2 + String.format(" (coredump partition at 0x%x)", address), address, inFlash, keys, items, notes);
                out = Uf2Patcher.patch(out, address, redacted).uf2();
            } else if (address > 0) {
                notes.add(String.format("CURRENT.UF2 does not hold the whole coredump partition 0x%x-0x%x: no dump to redact in it.", address, address + size));
            }
            for (Board.SettingsPartition st : settingsPartitions(c, catalog, notChecked)) {
                out = settings(out, flash, st, keys.typed(), items, notes);
            }
            uf2 = Optional.of(out);
        }
        return new Redacted(part, uf2, keys.typed(), method, List.copyOf(items), List.copyOf(notChecked), List.copyOf(notes));
    }

    /**
     * The dump in a copy of a coredump partition, redacted ({@link DumpRedactor}: a partition that holds data but no
     * readable dump keeps only its header, so it is judged as damaged, as the raw one is, never as erased, which reads
     * as a hang). A partition whose bytes cannot even be parsed is erased whole.
     */
    private static byte[] dump(String file, long address, byte[] partition, KeyObjects keys, List<Item> items, List<String> notes) {
        try {
            DumpRedactor.Result r = DumpRedactor.redact(partition, keys);
            r.redactions().forEach(x -> items.add(new Item(file, x)));
            r.notes().forEach(n -> notes.add(file + ": " + n));
            return r.partition();
        } catch (FormatException e) {
            byte[] out = new byte[partition.length];
            Arrays.fill(out, (byte) 0xFF);
            items.add(new Item(file, new Redaction("coredump partition", "whole partition (erased to 0xFF: no readable dump to locate keys in)", address,
                    partition.length)));
            notes.add(file + ": it does not read as a stored dump (" + e.getMessage() + "), so it was erased whole: it may hold RAM whose keys"
                    + " cannot be located.");
            return out;
        }
    }

    /** The board's settings partition; for a capture of an unknown board, every catalog board's (so none is missed). */
    private static List<Board.SettingsPartition> settingsPartitions(StoredCapture c, BoardCatalog catalog, List<String> notChecked) {
        Optional<Board> board = catalog.byId(c.board());
        if (board.isPresent()) {
            if (board.get().settings().isEmpty()) {
                notChecked.add("The board catalog names no settings partition for " + board.get().name() + ": flash outside the coredump partition was not checked.");
            }
            return board.get().settings().stream().toList();
        }
        Set<Board.SettingsPartition> all = new LinkedHashSet<>();
        catalog.boards().forEach(b -> b.settings().ifPresent(all::add));
        notChecked.add("The capture's board is unknown: the settings partitions of every board in the catalog were checked instead.");
        return List.copyOf(all);
    }

    private static byte[] settings(byte[] uf2, FlashImage flash, Board.SettingsPartition st, boolean typed, List<Item> items, List<String> notes) {
        String file = CaptureStore.CURRENT_UF2;
        String range = String.format("0x%x-0x%x", st.start(), st.end());
        if (flash.covers(st.start(), st.size())) {
            SettingsRedactor.Result r = SettingsRedactor.redact(flash.view(st.start(), (int) st.size()).toArray(), st.start(), st.sectorSize(), !typed);
            r.redactions().forEach(x -> items.add(new Item(file, x)));
            r.notes().forEach(n -> notes.add(file + ": " + n));
            return Uf2Patcher.patch(uf2, st.start(), r.partition()).uf2();
        }
        byte[] out = uf2;
        long covered = 0;
        for (FlashImage.Run run : flash.runs()) {
            long from = Math.max(run.start(), st.start());
            long to = Math.min(run.end(), st.end());
            if (from < to) {
                byte[] erased = new byte[(int) (to - from)];
                Arrays.fill(erased, (byte) 0xFF);
                out = Uf2Patcher.patch(out, from, erased).uf2();
                items.add(new Item(file, new Redaction("settings partition", "part of it (erased to 0xFF: the rest is not in the file, so its records cannot be read)",
                        from, to - from)));
                covered += to - from;
            }
        }
        if (covered == 0) {
            notes.add(String.format("%s: the settings partition %s is not in it (the file covers 0x%x-0x%x): nothing to remove there.", file, range,
                    flash.lowest(), flash.highestEnd()));
        }
        return out;
    }
}
