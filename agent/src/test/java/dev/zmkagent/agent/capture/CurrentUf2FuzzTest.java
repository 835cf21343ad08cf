package dev.zmkagent.agent.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.format.StoredDump;
import dev.zmkagent.device.boards.Board;
import dev.zmkagent.device.boards.BoardCatalog;
import dev.zmkagent.coredump.crashlab.CrashLab;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CURRENT.UF2 as a bootloader drive (or a damaged or hostile one) presents it to {@code capture}: the block reader
 * (the first block's layout and block count against the file size, then every block read checked), the window it
 * derives, and the partition finder's probes of the known partitions and its 4 KiB scan, for an unknown board and
 * for a nice!nano. A dump found is read to the end of its partition, as {@link Capturer} does, and parsed. Refusals
 * are {@link FormatException}s (not a bootloader's layout) or {@link IOException}s (a file still being written);
 * a read outside the window or any other exception is a finding.
 */
class CurrentUf2FuzzTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();
    private static final Optional<Board> NICE_NANO = CATALOG.byId("nice_nano");
    private static final Path FILE = temp().resolve("CURRENT.UF2");

    static {
        // A real CURRENT.UF2 (the blocks of a crash-lab partition, renumbered as a file of its own) through the reader,
        // the finder and the dump parser before the fuzzer's clock starts, so that loading and instrumenting those
        // classes does not count against the first input's 1 s.
        try {
            byte[] whole = Files.readAllBytes(CrashLab.scenario("xiao-irq-busfault").file("CURRENT.UF2"));
            long partition = CrashLab.scenario("xiao-irq-busfault").partitionAddress();
            int first = (int) ((partition - Uf2BlockReader.PAYLOAD * 2 - ByteView.of(whole).u32(12)) / Uf2BlockReader.PAYLOAD);
            int n = 48;
            byte[] cut = Arrays.copyOfRange(whole, first * 512, (first + n) * 512);
            ByteBuffer b = ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                b.putInt(i * 512 + 20, i).putInt(i * 512 + 24, n);
            }
            new CurrentUf2FuzzTest().currentUf2(cut);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temp() {
        try {
            return Files.createTempDirectory("zmk-agent-fuzz-current-uf2");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void currentUf2(byte[] data) throws IOException {
        Files.write(FILE, data);
        for (Optional<Board> board : java.util.List.of(Optional.<Board>empty(), NICE_NANO)) {
            try (Uf2BlockReader r = Uf2BlockReader.open(FILE)) {
                PartitionFinder.Result result = new PartitionFinder(CATALOG).find(r, board);
                if (result.found().isPresent()) {
                    PartitionFinder.Found f = result.found().get();
                    byte[] partition = f.dumpBytes().length >= f.size() ? f.dumpBytes()
                            : r.read(f.address(), f.size());
                    try {
                        StoredDump.read(ByteView.of(partition));
                    } catch (FormatException e) {
                        // the partition holds what the header claims, or it is refused with a reason: fine
                    }
                } else if (result.looked().isEmpty()) {
                    throw new IllegalStateException("no dump found and no place looked at named");
                }
            } catch (FormatException e) {
                // not laid out as a bootloader's CURRENT.UF2: refused with a reason
            } catch (IOException e) {
                // incomplete (block count and file size disagree): refused with a reason
            }
        }
    }
}
