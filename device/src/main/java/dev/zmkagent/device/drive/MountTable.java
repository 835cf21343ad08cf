package dev.zmkagent.device.drive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The Linux mount table ({@code /proc/self/mounts}): device, mount point (octal escapes undone), type, options. */
public final class MountTable {
    public record Mount(String device, Path mountPoint, String type, String options) {
        /** File systems a UF2 bootloader can appear as (FAT through the kernel or through FUSE). */
        public boolean mayBeBootloader() {
            String t = type.toLowerCase(Locale.ROOT);
            return t.equals("vfat") || t.equals("msdos") || t.equals("fat") || t.equals("exfat") || t.equals("fuseblk")
                    || t.startsWith("fuse.") || t.equals("fuse");
        }
    }

    private final List<Mount> mounts;

    private MountTable(List<Mount> mounts) {
        this.mounts = mounts;
    }

    public static MountTable empty() {
        return new MountTable(List.of());
    }

    /** Reads the table; a missing file (macOS, Windows) gives an empty table. */
    public static MountTable read(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            return empty();
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static MountTable parse(String text) {
        List<Mount> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3) {
                continue;
            }
            out.add(new Mount(unescape(f[0]), Path.of(unescape(f[1])), f[2], f.length > 3 ? f[3] : ""));
        }
        return new MountTable(List.copyOf(out));
    }

    public List<Mount> mounts() {
        return mounts;
    }

    public Optional<Mount> byDevice(String device) {
        return mounts.stream().filter(m -> m.device().equals(device)).findFirst();
    }

    public Optional<Mount> byMountPoint(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return mounts.stream().filter(m -> m.mountPoint().equals(d)).reduce((a, b) -> b);
    }

    /** The kernel writes space, tab, newline and backslash in mount points as \040, \011, \012, \134. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() + 0 && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
