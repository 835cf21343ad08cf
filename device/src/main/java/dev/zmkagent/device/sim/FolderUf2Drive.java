package dev.zmkagent.device.sim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A bootloader drive backed by a plain folder: the three files are written into it, any other file the host writes
 * is read block by block (only whole blocks, each once), and "leaving" deletes the folder like udisks removes a mount
 * point. Fast and portable; {@link FatImageUf2Drive} exercises a real FAT file system instead.
 */
public final class FolderUf2Drive extends Uf2BootloaderDrive {
    private static final Set<String> OWN = Set.of(INFO, INDEX, CURRENT);
    private final Path dir;
    private final Map<String, Long> consumed = new HashMap<>();

    public FolderUf2Drive(Path dir, BootloaderProfile profile, SimFlash flash) {
        super(profile, flash);
        this.dir = dir;
    }

    /** A folder named after the volume label inside {@code mediaRoot}. */
    public static FolderUf2Drive inMediaRoot(Path mediaRoot, BootloaderProfile profile, SimFlash flash) {
        return new FolderUf2Drive(mediaRoot.resolve(profile.volumeLabel()), profile, flash);
    }

    @Override
    public Path root() {
        return dir;
    }

    @Override
    protected void present(byte[] info, byte[] index, byte[] current) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(INFO), info);
        Files.write(dir.resolve(INDEX), index);
        Files.write(dir.resolve(CURRENT), current);
        consumed.clear();
    }

    @Override
    protected List<byte[]> writtenSectors() throws IOException {
        List<byte[]> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!OWN.contains(p.getFileName().toString().toUpperCase(java.util.Locale.ROOT)) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(Comparator.comparing(Path::toString));
        for (Path p : files) {
            String key = p.getFileName().toString();
            long from = consumed.getOrDefault(key, 0L);
            long size = Files.size(p);
            long whole = size - size % 512;
            if (whole <= from) {
                continue;
            }
            try (InputStream in = Files.newInputStream(p)) {
                in.skipNBytes(from);
                for (long o = from; o < whole; o += 512) {
                    byte[] sector = in.readNBytes(512);
                    if (sector.length < 512) {
                        break;
                    }
                    out.add(sector);
                    consumed.put(key, o + 512);
                }
            }
        }
        return out;
    }

    @Override
    protected void leave() throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
