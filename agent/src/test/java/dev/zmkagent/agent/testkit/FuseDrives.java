package dev.zmkagent.agent.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zmkagent.agent.watch.MediaRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real FAT16 bootloader drives for tests: an image made with mkfs.fat and mcopy, mounted read-only with fusefat.
 * Killing the fusefat process is a pulled USB cable (reads and closes fail with ENOTCONN). {@link #close()} kills and
 * unmounts whatever is still mounted.
 */
public final class FuseDrives implements AutoCloseable {
    private final List<Process> mounts = new ArrayList<>();
    private final List<Path> mountPoints = new ArrayList<>();

    public static boolean have(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    /** Skips the test where FUSE cannot run (./test installs fusefat, so CI runs it). */
    public static void assumeFuse() {
        assumeTrue(have("fusefat") && have("fusermount") && have("mkfs.fat") && have("mcopy"), "fusefat, fusermount, mkfs.fat or mcopy missing");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse missing");
        assumeTrue(MediaRoots.hasMountTable(), "no /proc/self/mounts");
    }

    public static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** A FAT16 image holding the keyboard's bootloader drive files. */
    public static Path fatImage(Keyboard kb, Path dir) throws Exception {
        Path files = kb.writeDrive(dir.resolve("files"));
        Path img = dir.resolve("drive.img");
        run("mkfs.fat", "-F", "16", "-n", "NICENANO", "-C", img.toString(), "16384");
        run("mcopy", "-i", img.toString(), files.resolve("INFO_UF2.TXT").toString(), files.resolve("INDEX.HTM").toString(),
                files.resolve("CURRENT.UF2").toString(), "::/");
        return img;
    }

    /** Mounts the image read-only at the mount point; the returned process is the drive (kill it to yank the drive). */
    public Process mount(Path img, Path mountPoint) throws Exception {
        Files.createDirectories(mountPoint);
        Process p = new ProcessBuilder("fusefat", "-f", "-o", "ro", img.toString(), mountPoint.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        mounts.add(p);
        mountPoints.add(mountPoint);
        return p;
    }

    /** Waits until the mount point shows the drive's files (fusefat mounts in the background). */
    public static void awaitMounted(Path mountPoint, String file) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(mountPoint.resolve(file)); i++) {
            Thread.sleep(25);
        }
    }

    public static void unmount(Path mountPoint) throws Exception {
        new ProcessBuilder("fusermount", "-u", "-z", mountPoint.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (Process p : mounts) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (Path m : mountPoints) {
            unmount(m);
        }
    }
}
