package dev.zmkagent.agent.triage;

import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.coredump.elf.ElfFile;
import dev.zmkagent.coredump.elf.ElfSegment;
import dev.zmkagent.device.crashlab.CrashLabUf2;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Builds users' attachments from crash-lab scenarios: the files they hold, packed the way users pack them. */
final class Attachments {
    private Attachments() {
    }

    static byte[] currentUf2(String scenario) {
        return CrashLabUf2.currentUf2(CrashLab.scenario(scenario));
    }

    /** The signature plain analyze gives the scenario's CURRENT.UF2 with its own ELF. */
    static String signatureOfCurrentUf2(String scenario) {
        dev.zmkagent.device.boards.BoardCatalog catalog = dev.zmkagent.device.boards.BoardCatalog.builtin();
        dev.zmkagent.agent.analyze.DumpInput in = new dev.zmkagent.agent.analyze.InputReader(catalog).read("CURRENT.UF2", currentUf2(scenario),
                java.util.OptionalLong.empty());
        return new dev.zmkagent.agent.analyze.Analyzer(catalog).analyze(in, java.util.Optional.of(ElfFile.parse(ByteView.of(elf(scenario)))),
                java.util.Optional.of("app.elf")).signature().orElseThrow();
    }

    static byte[] partition(String scenario) {
        return CrashLab.scenario(scenario).partition();
    }

    static byte[] elf(String scenario) {
        return CrashLab.scenario(scenario).appElf();
    }

    static byte[] file(String scenario, String name) throws IOException {
        return Files.readAllBytes(CrashLab.scenario(scenario).file(name));
    }

    /** What a zmk_debug CI build uploads as {@code <board>-zmk.uf2}: the application's load bytes, no dump. */
    static byte[] firmwareUf2(String scenario) {
        CrashLab.Scenario s = CrashLab.scenario(scenario);
        byte[] flash = new byte[0x100000];
        Arrays.fill(flash, (byte) 0xFF);
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (ElfSegment seg : ElfFile.parse(ByteView.of(s.appElf())).loadSegments()) {
            if (seg.fileSize() > 0) {
                seg.data().copyTo(0, flash, (int) seg.physicalAddress(), (int) seg.fileSize());
                lo = Math.min(lo, seg.physicalAddress());
                hi = Math.max(hi, seg.physicalAddress() + seg.fileSize());
            }
        }
        return CurrentUf2Renderer.render(flash, lo & ~0xFFL, (hi + 0xFF) & ~0xFFL, CrashLab.hex(s.bootloader().get("family_id")));
    }

    /** Files by name, in order. */
    static Map<String, byte[]> files(Object... nameThenBytes) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            m.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        return m;
    }

    static Path zip(Path p, Map<String, byte[]> files) throws IOException {
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(p)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                z.putArchiveEntry(new ZipArchiveEntry(e.getKey()));
                z.write(e.getValue());
                z.closeArchiveEntry();
            }
        }
        return p;
    }

    static Path tar(Path p, Map<String, byte[]> files, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(p);
             OutputStream os = gzip ? new GZIPOutputStream(raw) : raw;
             TarArchiveOutputStream t = new TarArchiveOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                te.setSize(e.getValue().length);
                t.putArchiveEntry(te);
                t.write(e.getValue());
                t.closeArchiveEntry();
            }
        }
        return p;
    }

    static Path folder(Path p, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path f = p.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
        }
        return p;
    }
}
