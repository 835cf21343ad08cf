package dev.zmkagent.agent.store;

import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.device.files.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What to attach to a GitHub issue: report.md, the partition image, INFO_UF2.TXT, firmware identity (ELF build ID and
 * SHA-256), and CURRENT.UF2 only when asked (it is the whole flash). Written atomically, user-only: the dump is a
 * RAM image that can hold Bluetooth keys, so the README says to look before posting.
 */
public final class Bundler {
    private Bundler() {
    }

    public static List<String> write(StoredCapture c, Path out, boolean full) throws IOException {
        Path folder = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new FormatException("the output folder " + folder + (Files.exists(folder) ? " is not a folder" : " does not exist"));
        }
        List<String> names = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String prefix = c.id() + "/";
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String f : List.of("report.md", CaptureStore.PARTITION_FILE, CaptureStore.INFO_FILE)) {
                if (Files.isRegularFile(c.file(f))) {
                    add(zip, prefix + f, Files.readAllBytes(c.file(f)));
                    names.add(f);
                }
            }
            add(zip, prefix + "firmware.txt", firmwareText(c).getBytes(StandardCharsets.UTF_8));
            names.add("firmware.txt");
            if (full) {
                if (!Files.isRegularFile(c.file(CaptureStore.CURRENT_UF2))) {
                    throw new IOException("capture " + c.id() + " holds no CURRENT.UF2 (it was taken with --region-only); bundle it without --full");
                }
                add(zip, prefix + CaptureStore.CURRENT_UF2, Files.readAllBytes(c.file(CaptureStore.CURRENT_UF2)));
                names.add(CaptureStore.CURRENT_UF2);
            }
        }
        PrivateFiles.writeAtomically(out, bytes.toByteArray());
        return names;
    }

    static String firmwareText(StoredCapture c) {
        StringBuilder s = new StringBuilder("Firmware identity of capture ").append(c.id()).append('\n');
        s.append("board: ").append(c.board()).append('\n');
        c.section("drive").ifPresent(d -> {
            if (d.get("bootloader") != null) {
                s.append("bootloader: ").append(d.get("bootloader")).append('\n');
            }
        });
        if (c.firmware().isEmpty()) {
            s.append("firmware: unknown (no registered build matched the device)\n");
        } else {
            Map<String, Object> f = c.firmware().get();
            s.append("firmware: ").append(f.get("name")).append('\n');
            s.append("ELF build-id: ").append(f.getOrDefault("build_id", "none (the ELF has no GNU build ID)")).append('\n');
            s.append("ELF SHA-256: ").append(f.get("elf_sha256")).append('\n');
            s.append("matched: ").append(f.get("match")).append('\n');
        }
        s.append("partition SHA-256: ").append(c.partitionSha256()).append('\n');
        s.append("crash signature: ").append(c.signature()).append('\n');
        return s.toString();
    }

    private static void add(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
