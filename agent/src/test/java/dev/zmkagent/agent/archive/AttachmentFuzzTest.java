package dev.zmkagent.agent.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.FormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Attachments as strangers post them (zip, tar, tar.gz, or none of these): unpacked under small limits into a
 * private folder. Refusals are {@link FormatException}s (hostile archives included); nothing may be written outside
 * the temp folder, and nothing may be left behind once the attachment is closed.
 */
class AttachmentFuzzTest {
    private static final ArchiveLimits SMALL = new ArchiveLimits(64, 1 << 20, 4 << 20, 1);
    private static final Path ROOT = temp();

    private static Path temp() {
        try {
            return Files.createTempDirectory("zmk-agent-fuzz-attachments");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void archive(byte[] data) throws IOException {
        Path input = ROOT.resolve("input");
        Path extract = Files.createDirectories(ROOT.resolve("extract"));
        Files.write(input, data);
        try (Attachment a = Attachment.open(input, SMALL, extract)) {
            for (AttachedFile f : a.files()) {
                if (!f.path().toAbsolutePath().normalize().startsWith(extract.toAbsolutePath()) && !f.path().equals(input)) {
                    throw new IllegalStateException("extracted outside the temp folder: " + f.path());
                }
            }
        } catch (FormatException e) {
            // refused with a reason: fine
        }
        try (Stream<Path> left = Files.list(extract)) {
            if (left.findAny().isPresent()) {
                throw new IllegalStateException("the attachment left files behind in " + extract);
            }
        }
    }
}
