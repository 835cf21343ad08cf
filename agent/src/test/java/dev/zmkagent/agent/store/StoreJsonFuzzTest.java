package dev.zmkagent.agent.store;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * capture.json and firmware.json as a crash, a full disk or a hand edit may leave them: the store lists the capture
 * (or names it as damaged), history groups it, the registry lists the build or refuses with an IOException. Nothing
 * else may escape.
 */
class StoreJsonFuzzTest {
    private static final Path ROOT = temp();

    static {
        // A real capture.json and firmware.json through the store, history and registry before the fuzzer's clock
        // starts: on a loaded machine, loading and instrumenting those classes (and Jackson) inside the first input
        // took over its 1 s (a 'timeout' on the empty input in a long run).
        try {
            new StoreJsonFuzzTest().captureJson(("{\"schema\":\"zmk-agent.capture/1\",\"captured_at\":\"2026-01-01T00:00:00Z\",\"board\":\"nice_nano\","
                    + "\"signature\":\"abc\",\"partition\":{\"address\":\"0x71000\",\"size\":65536},\"files\":[\"partition.bin\"]}").getBytes(StandardCharsets.UTF_8));
            new StoreJsonFuzzTest().firmwareJson(("{\"schema\":\"zmk-agent.firmware/1\",\"id\":\"build1\",\"name\":\"zmk.elf\",\"elf_sha256\":\"00\","
                    + "\"added_at\":\"2026-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temp() {
        try {
            return Files.createTempDirectory("zmk-agent-fuzz-store");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void captureJson(byte[] data) throws IOException {
        Path captures = ROOT.resolve("captures");
        Path c = Files.createDirectories(captures.resolve("2026-01-01_00-00-00Z_nice_nano_abc"));
        Files.write(c.resolve(CaptureStore.METADATA), data);
        CaptureStore store = new CaptureStore(captures);
        CaptureStore.Listing listing = store.listing();
        for (StoredCapture s : listing.captures()) {
            s.signature();
            s.board();
            s.function();
            s.reason();
            s.firmware();
            s.notKept();
        }
        History.group(listing.captures());
        listing.damaged().forEach(CaptureStore.Damaged::describe);
    }

    @FuzzTest
    void firmwareJson(byte[] data) throws IOException {
        Path firmware = ROOT.resolve("firmware");
        Path f = Files.createDirectories(firmware.resolve("build1"));
        Files.write(f.resolve("firmware.json"), data);
        try {
            List<?> builds = new FirmwareRegistry(firmware).list();
            builds.forEach(Object::toString);
        } catch (IOException e) {
            // a damaged registry entry is refused with a message: fine
        }
    }
}
