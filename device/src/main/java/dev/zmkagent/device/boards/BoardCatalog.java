package dev.zmkagent.device.boards;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The board catalog: boards, variants with their coredump partitions, and bootloader CURRENT.UF2 windows, loaded
 * from {@code boards.json} (shipped) and optionally extended by a user file with the same shape.
 */
public final class BoardCatalog {
    private static final String BUILTIN = "/dev/zmkagent/device/boards/boards.json";
    private static BoardCatalog builtin;

    private final List<Board> boards;
    private final List<BootloaderWindow> windows;
    private final List<Long> genericFamilies;

    private BoardCatalog(List<Board> boards, List<BootloaderWindow> windows, List<Long> genericFamilies) {
        this.boards = List.copyOf(boards);
        this.windows = List.copyOf(windows);
        this.genericFamilies = List.copyOf(genericFamilies);
    }

    public static synchronized BoardCatalog builtin() {
        if (builtin == null) {
            try (InputStream in = BoardCatalog.class.getResourceAsStream(BUILTIN)) {
                if (in == null) {
                    throw new IllegalStateException("board catalog " + BUILTIN + " is missing from the build");
                }
                builtin = fromJson(JSON.std.mapFrom(in), "built-in board catalog");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return builtin;
    }

    /** The built-in catalog plus the boards of a user file (user boards are tried first). */
    public static BoardCatalog withUserFile(Path file) throws IOException {
        BoardCatalog user = fromJson(JSON.std.mapFrom(Files.readAllBytes(file)), file.toString());
        BoardCatalog base = builtin();
        List<Board> all = new ArrayList<>(user.boards);
        all.addAll(base.boards);
        List<BootloaderWindow> w = user.windows.isEmpty() ? base.windows : user.windows;
        return new BoardCatalog(all, w, base.genericFamilies);
    }

    public List<Board> boards() {
        return boards;
    }

    public List<BootloaderWindow> windows() {
        return windows;
    }

    public List<Long> genericFamilyIds() {
        return genericFamilies;
    }

    public Optional<Board> byId(String id) {
        return boards.stream().filter(b -> b.id().equalsIgnoreCase(id)).findFirst();
    }

    public Optional<Board> byFamily(long familyId) {
        return boards.stream().filter(b -> b.familyIds().contains(familyId)).findFirst();
    }

    public Optional<Board> byVolumeLabel(String label) {
        // Labels can gain a numeric suffix when two drives collide (XIAO-SENSE1).
        String l = label.toUpperCase(Locale.ROOT).replaceAll("\\d+$", "");
        return boards.stream().filter(b -> b.volumeLabels().stream().anyMatch(v -> v.equalsIgnoreCase(l))).findFirst();
    }

    /** The CURRENT.UF2 window of a bootloader version (the newest window when the version is unknown). */
    public BootloaderWindow windowFor(String bootloaderVersion) {
        if (bootloaderVersion != null) {
            for (BootloaderWindow w : windows) {
                if (w.appliesTo(bootloaderVersion)) {
                    return w;
                }
            }
        }
        return windows.get(windows.size() - 1);
    }

    /** Every distinct coredump partition the catalog knows, with the board variants that use it. */
    public List<KnownPartition> knownPartitions() {
        List<KnownPartition> out = new ArrayList<>();
        for (Board b : boards) {
            for (Board.Variant v : b.debugVariants()) {
                out.add(new KnownPartition(b, v, v.coredump().orElseThrow()));
            }
        }
        return out;
    }

    public record KnownPartition(Board board, Board.Variant variant, Board.Partition partition) {
        public String label() {
            return board.id() + "//" + variant.name();
        }
    }

    // ---- JSON mapping -------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static BoardCatalog fromJson(Map<String, Object> root, String where) {
        CatalogReader r = new CatalogReader(where);
        List<Board> boards = new ArrayList<>();
        for (Object o : r.list(root, "boards")) {
            boards.add(r.board((Map<String, Object>) o));
        }
        List<BootloaderWindow> windows = new ArrayList<>();
        Object w = root.get("bootloaderWindows");
        if (w != null) {
            for (Object o : r.list(root, "bootloaderWindows")) {
                windows.add(r.window((Map<String, Object>) o));
            }
        }
        List<Long> generic = new ArrayList<>();
        if (root.get("genericFamilyIds") != null) {
            for (Object o : r.list(root, "genericFamilyIds")) {
                generic.add(r.hex(o, "genericFamilyIds"));
            }
        }
        return new BoardCatalog(boards, windows, generic);
    }
}
