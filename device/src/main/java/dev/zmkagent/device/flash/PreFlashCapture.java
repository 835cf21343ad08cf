package dev.zmkagent.device.flash;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BootloaderWindow;
import dev.zmkagent.device.info.BootloaderTarget;
import dev.zmkagent.device.uf2.Uf2Block;
import dev.zmkagent.device.uf2.Uf2File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the coredump partitions of a board's debug variants out of CURRENT.UF2 (only the blocks that cover them, then
 * checked block by block: address, family, size) and returns the ones that hold a dump, ready for a {@link DumpSaver}.
 */
public final class PreFlashCapture {
    private final Clock clock;

    public PreFlashCapture(Clock clock) {
        this.clock = clock;
    }

    public List<PendingDump> find(Path currentUf2, BootloaderTarget target) throws IOException {
        List<PendingDump> out = new ArrayList<>();
        Map<Board.Partition, Board.Variant> partitions = new LinkedHashMap<>();
        for (Board.Variant v : target.board().debugVariants()) {
            partitions.putIfAbsent(v.coredump().orElseThrow(), v);
        }
        BootloaderWindow w = target.window();
        try (FileChannel ch = FileChannel.open(currentUf2, StandardOpenOption.READ)) {
            for (Map.Entry<Board.Partition, Board.Variant> e : partitions.entrySet()) {
                Board.Partition p = e.getKey();
                if (!w.covers(p.start(), p.size()) || p.start() % 256 != 0 || p.size() % 256 != 0) {
                    continue; // not readable through this bootloader's CURRENT.UF2
                }
                Optional<byte[]> blocks = readBlocks(ch, w, p);
                if (blocks.isEmpty()) {
                    continue;
                }
                byte[] partition = payloads(blocks.get(), p);
                judge(partition).ifPresent(condition -> out.add(new PendingDump(target.board().id(), e.getValue().name(),
                        target.bootloaderVersion().orElse("unknown"), p.start(), partition, blocks.get(), sha256(partition), condition,
                        currentUf2, clock.instant())));
            }
        }
        return out;
    }

    /** Empty when no dump is stored; otherwise its condition in words ({@link PendingDump#COMPLETE} or what is wrong). */
    static Optional<String> judge(byte[] partition) {
        ByteView v = ByteView.of(partition);
        try {
            StoredDump d = StoredDump.read(v);
            if (d.valid()) {
                return Optional.of(PendingDump.COMPLETE);
            }
            if (!d.present()) {
                return Optional.empty();
            }
            if (d.interrupted()) {
                return Optional.of("interrupted (the header was never written)");
            }
            if (d.checksumOk().isPresent()) {
                return Optional.of(d.dump().orElseThrow().truncated() ? "truncated (checksum mismatch)" : "corrupt (checksum mismatch)");
            }
            return Optional.of("damaged header (" + d.headerState().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
        } catch (FormatException e) {
            // A 'CD' header whose stream does not parse is still worth keeping.
            return v.has(0, 2) && v.u8(0) == 'C' && v.u8(1) == 'D' ? Optional.of("unreadable ('CD' header, the stream does not parse)")
                    : Optional.empty();
        }
    }

    /** The CURRENT.UF2 blocks covering {@code p}: block k holds window.start + 256k at file offset 512k. */
    static Optional<byte[]> readBlocks(FileChannel ch, BootloaderWindow w, Board.Partition p) throws IOException {
        long first = (p.start() - w.start()) / 256;
        int count = (int) (p.size() / 256);
        long offset = first * Uf2Block.SIZE;
        if (offset + (long) count * Uf2Block.SIZE > ch.size()) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.allocate(count * Uf2Block.SIZE);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                return Optional.empty();
            }
        }
        byte[] bytes = buf.array();
        Uf2File f = Uf2File.parse(ByteView.of(bytes));
        for (int i = 0; i < count; i++) {
            Uf2Block b = f.blocks().get(i);
            if (b.targetAddress() != p.start() + 256L * i || b.payloadSize() != 256) {
                throw new FormatException(String.format("CURRENT.UF2 block at file offset 0x%X covers 0x%X, expected 0x%X: the drive's"
                        + " window is not the one bootloader version implies", offset + (long) i * Uf2Block.SIZE, b.targetAddress(),
                        p.start() + 256L * i));
            }
        }
        return Optional.of(bytes);
    }

    private static byte[] payloads(byte[] blocks, Board.Partition p) {
        byte[] out = new byte[(int) p.size()];
        for (int i = 0; i < out.length / 256; i++) {
            System.arraycopy(blocks, i * Uf2Block.SIZE + 32, out, i * 256, 256);
        }
        return out;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
