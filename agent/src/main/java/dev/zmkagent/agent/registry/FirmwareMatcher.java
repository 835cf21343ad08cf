package dev.zmkagent.agent.registry;

import dev.zmkagent.agent.analyze.ElfIdentityCheck;
import dev.zmkagent.agent.capture.Uf2BlockReader;
import dev.zmkagent.device.uf2.FlashImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds which registered build is on the device by comparing the device's flash (CURRENT.UF2) with each build's
 * bytes. {@link #sample} reads only a few blocks (the vector table and blocks spread over the image) so the first
 * report is not delayed; {@link #verify} compares every byte once the whole CURRENT.UF2 has been copied.
 */
public final class FirmwareMatcher {
    static final int SAMPLES = 8;

    private FirmwareMatcher() {
    }

    /** A build found on the device, with how many bytes were compared and how. */
    public record Match(RegisteredFirmware firmware, long compared, boolean complete) {
        public String describe() {
            return complete ? String.format("all %d flash bytes of build %s match the device", compared, firmware.id())
                    : String.format("%d sampled flash bytes of build %s match the device", compared, firmware.id());
        }
    }

    /** The newest registered build whose sampled blocks all equal the device's. */
    public static Optional<Match> sample(Uf2BlockReader device, List<RegisteredFirmware> builds) throws IOException {
        Map<Long, byte[]> cache = new HashMap<>();
        Match best = null;
        for (RegisteredFirmware fw : builds) {
            FlashImage expected = fw.expectedFlash();
            List<Long> blocks = blocksOf(expected, device);
            if (blocks.isEmpty()) {
                continue;
            }
            long compared = 0;
            boolean ok = true;
            for (int i = 0; i < SAMPLES && ok; i++) {
                long addr = blocks.get((int) ((long) i * (blocks.size() - 1) / Math.max(1, SAMPLES - 1)));
                byte[] actual = cache.get(addr);
                if (actual == null) {
                    actual = device.read(addr, Uf2BlockReader.PAYLOAD);
                    cache.put(addr, actual);
                }
                long[] r = compare(expected, addr, actual);
                compared += r[0];
                ok = r[1] == 0;
            }
            if (ok && compared > 0 && (best == null || !fw.addedAt().isBefore(best.firmware().addedAt()))) {
                best = new Match(fw, compared, false);
            }
        }
        return Optional.ofNullable(best);
    }

    /** Compares every byte of the build that {@code deviceFlash} covers; empty when any differs. */
    public static Optional<Match> verify(RegisteredFirmware fw, FlashImage deviceFlash) {
        ElfIdentityCheck.Result r = ElfIdentityCheck.compare(fw.expectedFlash(), deviceFlash);
        return r.compared() == 0 || r.mismatch() ? Optional.empty() : Optional.of(new Match(fw, r.compared(), true));
    }

    /** Among all builds, the newest that matches the whole device flash. */
    public static Optional<Match> verifyAny(List<RegisteredFirmware> builds, FlashImage deviceFlash) {
        Match best = null;
        for (RegisteredFirmware fw : builds) {
            Optional<Match> m = verify(fw, deviceFlash);
            if (m.isPresent() && (best == null || !fw.addedAt().isBefore(best.firmware().addedAt()))) {
                best = m.get();
            }
        }
        return Optional.ofNullable(best);
    }

    private static List<Long> blocksOf(FlashImage expected, Uf2BlockReader device) {
        List<Long> out = new ArrayList<>();
        for (FlashImage.Run r : expected.runs()) {
            long first = Math.max(device.windowStart(), r.start() - Math.floorMod(r.start() - device.windowStart(), Uf2BlockReader.PAYLOAD));
            for (long a = first; a < r.end() && a + Uf2BlockReader.PAYLOAD <= device.windowEnd(); a += Uf2BlockReader.PAYLOAD) {
                out.add(a);
            }
        }
        return out;
    }

    /** {compared, differing} for the expected bytes inside one device block. */
    private static long[] compare(FlashImage expected, long addr, byte[] actual) {
        ElfIdentityCheck.Result r = ElfIdentityCheck.compare(expected, FlashImage.of(addr, actual));
        return new long[] {r.compared(), r.differing()};
    }
}
