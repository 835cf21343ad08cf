package dev.zmkagent.device.boards;

import java.util.List;
import java.util.Optional;

/** A keyboard controller board as the catalog describes it. */
public record Board(
        String id,
        String name,
        List<UsbId> usb,
        List<Long> familyIds,
        List<String> volumeLabels,
        List<String> boardIds,
        List<String> models,
        String softDevice,
        long appStart,
        List<Variant> variants,
        Optional<SettingsPartition> settings) {

    public record UsbId(int vid, int pid) {
        @Override
        public String toString() {
            return String.format("%04x:%04x", vid, pid);
        }
    }

    /** A ZMK build variant: where the application lives, and where its coredump partition is (if any). */
    public record Variant(String name, long codeStart, long codeSize, Optional<Partition> coredump) {
        public long codeEnd() {
            return codeStart + codeSize;
        }
    }

    /**
     * Zephyr's settings partition (ZMK's {@code storage_partition}: NVS, where the Bluetooth host keeps its bonds) and
     * its NVS sector size (the flash page).
     */
    public record SettingsPartition(long start, long size, int sectorSize) {
        public long end() {
            return start + size;
        }
    }

    public record Partition(long start, long size) {
        public long end() {
            return start + size;
        }
    }

    public Optional<Variant> variant(String variantName) {
        return variants.stream().filter(v -> v.name().equals(variantName)).findFirst();
    }

    /** Variants with a coredump partition, for locating a dump in a flash image. */
    public List<Variant> debugVariants() {
        return variants.stream().filter(v -> v.coredump().isPresent()).toList();
    }
}
