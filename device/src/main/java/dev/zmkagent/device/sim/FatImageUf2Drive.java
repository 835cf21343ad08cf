package dev.zmkagent.device.sim;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bootloader drive that is a real FAT16 file system: an image built with mkfs.fat and mtools (label, INFO_UF2.TXT,
 * INDEX.HTM, CURRENT.UF2) and mounted with {@code fusefat -o rw+}, so discovery and flashing go through the kernel's
 * file-system path. Like the real bootloader it sees sectors, not files: every sector that changed since the last look
 * is offered to the write rules, FAT and directory sectors included (they are acknowledged and discarded). Leaving is
 * {@code fusermount -u -z}, lazy so a host that still holds NEW.UF2 open sees the same I/O errors a real reset causes.
 * Needs fusefat, mkfs.fat, mtools and a usable /dev/fuse ({@link #available()}).
 */
public final class FatImageUf2Drive extends Uf2BootloaderDrive {
    /** 8 MiB with one 512-byte sector per cluster is comfortably FAT16 and holds a 1.9 MB CURRENT.UF2. */
    static final int IMAGE_KIB = 8192;
    private final Path image;
    private final Path mountPoint;
    private final Path log;
    private byte[] lastSeen;

    public FatImageUf2Drive(Path workDir, Path mountPoint, BootloaderProfile profile, SimFlash flash) {
        super(profile, flash);
        this.image = workDir.resolve(profile.volumeLabel() + ".img");
        this.log = workDir.resolve("fusefat.log");
        this.mountPoint = mountPoint;
    }

    /** Whether this machine can run the FAT simulator: the tools exist and /dev/fuse can be opened. */
    public static boolean available() {
        if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
            return false;
        }
        for (String tool : new String[] {"fusefat", "mkfs.fat", "mcopy", "fusermount"}) {
            if (!onPath(tool)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Path root() {
        return mountPoint;
    }

    public Path image() {
        return image;
    }

    @Override
    protected void present(byte[] info, byte[] index, byte[] current) throws IOException {
        Files.createDirectories(image.getParent());
        Files.deleteIfExists(image);
        run(List.of("mkfs.fat", "-C", "-F", "16", "-s", "1", "-S", "512", "-n", profile.volumeLabel(), image.toString(),
                Integer.toString(IMAGE_KIB)));
        Path staging = Files.createTempDirectory(image.getParent(), "files");
        try {
            copyIn(staging, INFO, info);
            copyIn(staging, INDEX, index);
            copyIn(staging, CURRENT, current);
        } finally {
            try (var s = Files.list(staging)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(staging);
        }
        lastSeen = Files.readAllBytes(image);
        Files.createDirectories(mountPoint);
        run(List.of("fusefat", "-o", "rw+", image.toString(), mountPoint.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(mountPoint.resolve(INFO))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("fusefat did not mount " + image + " at " + mountPoint + " (see " + log + ")");
            }
            sleep(20);
        }
    }

    private void copyIn(Path staging, String name, byte[] content) throws IOException {
        Path f = staging.resolve(name);
        Files.write(f, content);
        run(List.of("mcopy", "-i", image.toString(), "-o", f.toString(), "::/" + name));
    }

    @Override
    protected List<byte[]> writtenSectors() throws IOException {
        List<byte[]> out = new ArrayList<>();
        byte[] now;
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
            long len = f.length();
            if (len != lastSeen.length) {
                throw new IOException("the FAT image changed size: " + len + " bytes, expected " + lastSeen.length);
            }
            now = new byte[lastSeen.length];
            f.readFully(now);
        }
        for (int o = 0; o + 512 <= now.length; o += 512) {
            if (!Arrays.equals(now, o, o + 512, lastSeen, o, o + 512)) {
                out.add(Arrays.copyOfRange(now, o, o + 512));
            }
        }
        lastSeen = now;
        return out;
    }

    @Override
    protected void leave() throws IOException {
        run(List.of("fusermount", "-u", "-z", mountPoint.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(mountPoint.resolve(INFO)) && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    private void run(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process p = pb.start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue() + " (see " + log + ")");
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
