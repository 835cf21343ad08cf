package dev.zmkagent.agent.triage;

import static dev.zmkagent.agent.triage.Attachments.currentUf2;
import static dev.zmkagent.agent.triage.Attachments.elf;
import static dev.zmkagent.agent.triage.Attachments.file;
import static dev.zmkagent.agent.triage.Attachments.files;
import static dev.zmkagent.agent.triage.Attachments.firmwareUf2;
import static dev.zmkagent.agent.triage.Attachments.partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.agent.archive.Attachment;
import dev.zmkagent.agent.bundle.Bundler;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty users' attachments, scaled down: crash-lab crashes packed the way users and CI pack them (a zip with UF2, ELF
 * and an extracted bin; a tgz with the partition and ELF; folders; a zmk-agent bundle; a folder with a CI artifact zip
 * of several boards' UF2+ELF; a console log), several bugs across boards, builds and dump configurations. The triage
 * must put exactly the same bug in one group and each other bug in its own, each with the signature plain
 * {@code analyze} gives the scenario, and list what it could not triage.
 */
class TriageCrashLabTest {
    private static final BoardCatalog CATALOG = BoardCatalog.builtin();

    @TempDir
    Path dir;

    /** What each dump in the attachments is: its file name as triage reports it, and its crash-lab scenario. */
    private final Map<String, String> scenarioOfDump = new HashMap<>();
    private final List<Triage.Input> inputs = new ArrayList<>();
    private final List<Path> moreElfs = new ArrayList<>();

    private void input(Path p) {
        inputs.add(Triage.Input.of(p.toString(), moreElfs));
    }

    private final Map<String, String> boardOfDump = new HashMap<>();

    /** A dump, and whether its packaging says the board (UF2 family, INFO_UF2.TXT, firmware.txt, a CI artifact's name). */
    private void dump(String name, String scenario, boolean boardKnown) {
        scenarioOfDump.put(name, scenario);
        boardOfDump.put(name, boardKnown ? (String) CrashLab.scenario(scenario).meta().get("board") : "unknown");
    }

    private Path bundleOf(String scenario) throws IOException {
        CaptureStore store = new CaptureStore(dir.resolve("bundle-store"));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("captured_at", "2026-06-07T10:00:00Z");
        meta.put("board", CrashLab.scenario(scenario).meta().get("board"));
        meta.put("signature", "unused");
        meta.put("firmware", Map.of("name", "zmk.elf", "elf", "/home/user/zmk.elf", "elf_sha256", FirmwareRegistry.sha256(elf(scenario))));
        meta.put("partition", Map.of("sha256", FirmwareRegistry.sha256(partition(scenario))));
        StoredCapture c = store.save("2026-06-07_10-00-00Z_" + scenario, FirmwareRegistry.sha256(partition(scenario)),
                files(CaptureStore.PARTITION_FILE, partition(scenario), CaptureStore.INFO_FILE, file(scenario, "INFO_UF2.TXT"),
                        "report.md", "# crash\n".getBytes()), meta).capture();
        Path out = dir.resolve("bundle-" + scenario + ".zip");
        // raw (--no-redact) and without its ELF (the capture names one that is not on this machine): the ELF comes from --elf
        new Bundler(BoardCatalog.builtin(), store, new FirmwareRegistry(dir.resolve("bundle-firmware")))
                .prepare(c, new Bundler.Options(false, false, Optional.empty())).writeZip(out);
        // Read through the bundle's documented layout: <capture id>/partition.bin next to firmware.txt.
        try (Attachment a = Attachment.open(out)) {
            assertTrue(a.files().stream().anyMatch(f -> f.name().equals(out + "!/" + c.id() + "/" + CaptureStore.PARTITION_FILE)), a.files().toString());
        }
        dump(out + "!/" + c.id() + "/" + CaptureStore.PARTITION_FILE, scenario, true);
        return out;
    }

    @Test
    void attachmentsInEveryPackagingGroupExactlyByBug() throws Exception {
        // The bundle carries no ELF: its firmware.txt names the ELF's SHA-256 among those given with --elf.
        Path extraInfoElf = Files.write(dir.resolve("extra-info-zmk.elf"), elf("nice_nano-busfault-extra-info"));
        Path div0Elf = Files.write(dir.resolve("div0-zmk.elf"), elf("nice_nano-div0"));
        moreElfs.addAll(List.of(div0Elf, extraInfoElf));

        // 1. A zip with the UF2, the ELF and the dump bin extracted from the UF2 (one dump, found twice); BusFault
        // escalated to HardFault in this build.
        Path z1 = Attachments.zip(dir.resolve("xiao-tester-crash.zip"), files("CURRENT.UF2", currentUf2("nice_nano-busfault-escalated"),
                "zmk.elf", elf("nice_nano-busfault-escalated"), "dump/coredump.bin", partition("nice_nano-busfault-escalated")));
        input(z1);
        dump(z1 + "!/CURRENT.UF2", "nice_nano-busfault-escalated", true);
        // 2. A tgz with the partition and the ELF, another board, a MIN dump.
        Path t2 = Attachments.tar(dir.resolve("2026-06-07-araxia-lll-cp-extra-nicehat.tgz"), files("build/zephyr/zmk.elf", elf("xiao-busfault-min"),
                "coredump-partition.bin", partition("xiao-busfault-min"), "INFO_UF2.TXT", file("xiao-busfault-min", "INFO_UF2.TXT")), true);
        input(t2);
        dump(t2 + "!/coredump-partition.bin", "xiao-busfault-min", true);
        // 3. A folder: another shield's build (every address differs), with INFO_UF2.TXT.
        Path f3 = Attachments.folder(Files.createDirectory(dir.resolve("user3")), files("partition.bin", partition("nice_nano-busfault-other-shield"),
                "firmware/app.elf", elf("nice_nano-busfault-other-shield"), "INFO_UF2.TXT", file("nice_nano-busfault-other-shield", "INFO_UF2.TXT")));
        input(f3);
        dump(f3 + "/partition.bin", "nice_nano-busfault-other-shield", true);
        // 4. A zmk-agent bundle of an EXTRA_EXCEPTION_INFO build.
        input(bundleOf("nice_nano-busfault-extra-info"));
        // 5. The logging backend: the bug as a console log, with a DWARF 4 build's ELF (the same code as the
        // scenario's DWARF 5 build, so the same dump bytes).
        Path t5 = Attachments.tar(dir.resolve("console.tar.gz"), files("minicom.log", file("nice_nano-busfault", "console.log"),
                "zmk.elf", elf("nice_nano-busfault-dwarf4")), true);
        input(t5);
        dump(t5 + "!/minicom.log", "nice_nano-busfault-dwarf4", false);
        // 6. Other shield, XIAO, THREADS dump.
        Path z6 = Attachments.zip(dir.resolve("xiao-shield.zip"), files("partition.bin", partition("xiao-busfault-other-shield-threads"),
                "xiao_ble-zmk.elf", elf("xiao-busfault-other-shield-threads")));
        input(z6);
        dump(z6 + "!/partition.bin", "xiao-busfault-other-shield-threads", true);
        // 7. One folder, two users' builds (THREADS dump with the fault registers' block; a complete dump whose
        // checksum no longer matches), each ELF next to its dump.
        Path f7 = Attachments.folder(Files.createDirectory(dir.resolve("more")), files("alice/partition.bin", partition("nice_nano-busfault-fsr-region"),
                "alice/zmk.elf", elf("nice_nano-busfault-fsr-region"), "bob/partition.bin", partition("nice_nano-corrupt-checksum"),
                "bob/zmk.elf", elf("nice_nano-corrupt-checksum")));
        input(f7);
        dump(f7 + "/alice/partition.bin", "nice_nano-busfault-fsr-region", false);
        dump(f7 + "/bob/partition.bin", "nice_nano-corrupt-checksum", false);
        // 8. CI-artifact layout: the zmk_debug artifact zip (<board>-zmk.uf2 + <board>-zmk.elf for two boards) next to
        // each user's CURRENT.UF2; the identity check picks the board's ELF.
        byte[] artifact = Files.readAllBytes(Attachments.zip(dir.resolve("artifact.zip"), files("nice_nano_v2-zmk.uf2", firmwareUf2("nice_nano-div0"),
                "nice_nano_v2-zmk.elf", elf("nice_nano-div0"), "xiao_ble-zmk.uf2", firmwareUf2("xiao-nullptr"), "xiao_ble-zmk.elf", elf("xiao-nullptr"))));
        Path f8 = Attachments.folder(Files.createDirectory(dir.resolve("user8")), files("CURRENT.UF2", currentUf2("nice_nano-div0"), "zmk_debug.zip", artifact));
        input(f8);
        dump(f8 + "/CURRENT.UF2", "nice_nano-div0", true);
        Path t9 = Attachments.tar(dir.resolve("user9.tar"), files("CURRENT.UF2", currentUf2("xiao-nullptr"), "zmk_debug.zip", artifact), false);
        input(t9);
        dump(t9 + "!/CURRENT.UF2", "xiao-nullptr", true);
        // 9. Two more bugs, folders.
        for (String bug : List.of("nice_nano-oops", "nice_nano-assert")) {
            Path f = Attachments.folder(Files.createDirectory(dir.resolve(bug)), files("partition.bin", partition(bug), "zmk.elf", elf(bug)));
            input(f);
            dump(f + "/partition.bin", bug, false);
        }
        // 10. The first attachment posted again under another name: counted once.
        Path again = Files.copy(z1, dir.resolve("xiao-tester-crash (1).zip"));
        input(again);
        // 11. What cannot be triaged, each with its reason.
        Path noElf = Attachments.zip(dir.resolve("no-elf.zip"), files("CURRENT.UF2", currentUf2("nice_nano-undef")));
        input(noElf);
        Path erased = Attachments.folder(Files.createDirectory(dir.resolve("erased")), files("partition.bin", partition("nice_nano-erased"),
                "zmk.elf", elf("nice_nano-erased")));
        input(erased);
        Path hostile = Attachments.zip(dir.resolve("hostile.zip"), files("../../evil.uf2", currentUf2("nice_nano-undef")));
        input(hostile);
        Path artifactOnly = Files.write(dir.resolve("artifact-only.zip"), artifact);
        input(artifactOnly);

        Triage.Result r = new Triage(CATALOG).run(inputs);

        // The expected partition: the bus fault in every build and packaging; each other bug alone.
        Set<Set<String>> expected = new java.util.HashSet<>();
        Map<String, Set<String>> byBug = new LinkedHashMap<>();
        for (Map.Entry<String, String> d : scenarioOfDump.entrySet()) {
            String bug = d.getValue().contains("busfault") || d.getValue().equals("nice_nano-corrupt-checksum") ? "busfault" : d.getValue();
            byBug.computeIfAbsent(bug, k -> new TreeSet<>()).add(d.getKey());
        }
        expected.addAll(byBug.values());
        Set<Set<String>> actual = r.groups().stream().map(g -> g.members().stream().map(m -> m.analysis().dump()).collect(Collectors.toCollection(TreeSet::new)))
                .collect(Collectors.toSet());
        assertEquals(expected, actual, TriageReport.text(r));
        assertEquals(8, r.groups().get(0).count(), "the bus fault, most frequent, first");
        assertEquals(1, r.duplicates(), "the attachment posted twice counts once");

        for (Triage.Group g : r.groups()) {
            for (Triage.Member m : g.members()) {
                String scenario = scenarioOfDump.get(m.analysis().dump());
                // The same signature as analyzing the scenario's CURRENT.UF2 with its ELF.
                assertEquals(Attachments.signatureOfCurrentUf2(scenario),
                        g.signature(), m.analysis().dump());
                assertEquals(boardOfDump.get(m.analysis().dump()), m.analysis().board().orElse("unknown"), m.analysis().dump());
                assertTrue(m.analysis().elfChoice() != null && m.analysis().elf().isPresent());
            }
        }
        Triage.Group bus = r.groups().get(0);
        assertEquals(List.of("nice_nano", "unknown", "xiao_ble"), bus.boards());
        assertEquals(8, bus.firmware().size(), "eight builds: " + bus.firmware());
        assertEquals(truthFrames("nice_nano-busfault"), bus.frames());
        assertEquals(List.of(z1.toString(), t2.toString(), f3.toString(), dir.resolve("bundle-nice_nano-busfault-extra-info.zip").toString(), t5.toString(),
                z6.toString(), f7.toString()), bus.inputs());
        for (Triage.Group g : r.groups()) {
            String scenario = scenarioOfDump.get(g.members().get(0).analysis().dump());
            assertEquals(truthFrames(scenario).subList(0, g.frames().size()), g.frames(), scenario);
        }

        // The CI artifact's ELFs were chosen by the identity check, one per board.
        Map<String, String> elfOf = r.groups().stream().flatMap(g -> g.members().stream())
                .collect(Collectors.toMap(m -> m.analysis().dump(), m -> m.analysis().elf().orElseThrow()));
        assertEquals(f8 + "/zmk_debug.zip!/nice_nano_v2-zmk.elf", elfOf.get(f8 + "/CURRENT.UF2"));
        assertEquals(t9 + "!/zmk_debug.zip!/xiao_ble-zmk.elf", elfOf.get(t9 + "!/CURRENT.UF2"));
        assertEquals(extraInfoElf.toString(), elfOf.get(dir.resolve("bundle-nice_nano-busfault-extra-info.zip") + "!/2026-06-07_10-00-00Z_nice_nano-busfault-extra-info/partition.bin"));
        assertEquals(f7 + "/bob/zmk.elf", elfOf.get(f7 + "/bob/partition.bin"));

        Map<String, String> failed = r.failed().stream().collect(Collectors.toMap(Triage.Failure::input, Triage.Failure::error));
        assertEquals(Set.of(noElf.toString(), erased.toString(), hostile.toString(), artifactOnly.toString()), failed.keySet(), failed.toString());
        assertTrue(failed.get(noElf.toString()).contains("no ELF for it"), failed.get(noElf.toString()));
        assertTrue(failed.get(erased.toString()).contains("no crash stored"), failed.get(erased.toString()));
        assertTrue(failed.get(hostile.toString()).contains("path traversal"), failed.get(hostile.toString()));
        assertTrue(failed.get(artifactOnly.toString()).startsWith("no dump in it"), failed.get(artifactOnly.toString()));

        // JSON: the schema the issue names.
        Map<String, Object> json = JSON.std.mapFrom(TriageReport.json(r));
        assertEquals("zmk-agent.triage/1", json.get("schema"));
        List<?> groups = (List<?>) json.get("groups");
        assertEquals(r.groups().size(), groups.size());
        Map<?, ?> g0 = (Map<?, ?>) groups.get(0);
        assertTrue(g0.keySet().containsAll(List.of("signature", "count", "inputs", "reason", "frames")), g0.keySet().toString());
        assertEquals(8, g0.get("count"));
        assertEquals(bus.inputs(), g0.get("inputs"));
        assertEquals(bus.frames(), g0.get("frames"));
        assertEquals("K_ERR_ARM_BUS_PRECISE_DATA_BUS", g0.get("reason"));
        assertEquals(4, ((List<?>) json.get("failed")).size());
        assertTrue(((Map<?, ?>) ((List<?>) json.get("failed")).get(0)).keySet().equals(Set.of("input", "error")));

        String md = TriageReport.markdown(r);
        assertTrue(md.contains("| `" + bus.signature() + "` | 8 | `K_ERR_ARM_BUS_PRECISE_DATA_BUS` |"), md);
    }

    @Test
    void theCaptureStoreIsTriagedWithRegisteredBuildsAndCaptureTimes() throws Exception {
        Path data = dir.resolve("data");
        CaptureStore store = new CaptureStore(data.resolve("captures"));
        FirmwareRegistry registry = new FirmwareRegistry(data.resolve("firmware"));
        Path elfFile = Files.write(dir.resolve("zmk.elf"), elf("xiao-irq-busfault"));
        registry.add(List.of(elfFile));
        for (String at : List.of("2026-06-01T08:00:00Z", "2026-06-03T09:30:00Z")) {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("captured_at", at);
            meta.put("board", "xiao_ble");
            meta.put("partition", Map.of("sha256", FirmwareRegistry.sha256(partition("xiao-irq-busfault")) + at));
            store.save("capture-" + at.substring(0, 10), FirmwareRegistry.sha256(partition("xiao-irq-busfault")) + at,
                    files(CaptureStore.PARTITION_FILE, partition("xiao-irq-busfault"), CaptureStore.CURRENT_UF2, currentUf2("xiao-irq-busfault"),
                            CaptureStore.INFO_FILE, file("xiao-irq-busfault", "INFO_UF2.TXT")), meta);
        }
        Triage.Result r = new Triage(CATALOG).run(Triage.storeInputs(store, registry));
        assertEquals(List.of(), r.failed());
        assertEquals(1, r.groups().size());
        assertEquals(1, r.duplicates(), "the same dump captured twice (as two folders) counts once");
        Triage.Group g = r.groups().get(0);
        assertEquals(Attachments.signatureOfCurrentUf2("xiao-irq-busfault"),
                g.signature());
        assertEquals(Optional.of(Instant.parse("2026-06-01T08:00:00Z")), g.firstSeen());
        assertTrue(g.members().get(0).analysis().elf().orElseThrow().endsWith("zmk.elf"));
        assertTrue(g.members().get(0).analysis().elfChoice().contains("match the firmware in CURRENT.UF2"), g.members().get(0).analysis().elfChoice());
        assertEquals(List.of(data.resolve("captures").resolve("capture-2026-06-01").resolve(CaptureStore.PARTITION_FILE).toString()),
                g.members().get(0).analysis().alsoIn());
    }

    /** gdb's frames of the crashing context (after the first exception boundary), as the signature takes them. */
    @SuppressWarnings("unchecked")
    static List<String> truthFrames(String scenario) {
        List<Map<String, Object>> frames = (List<Map<String, Object>>) CrashLab.scenario(scenario).truth()
                .getOrDefault("frames_at_svc", CrashLab.scenario(scenario).truth().get("frames"));
        List<String> out = new ArrayList<>();
        boolean after = false;
        for (Map<String, Object> f : frames) {
            if (!after) {
                after = "exception".equals(f.get("kind"));
                continue;
            }
            if ("exception".equals(f.get("kind")) || out.size() == 5) {
                break;
            }
            out.add(f.get("function") == null ? "??" : String.valueOf(f.get("function")));
        }
        return out;
    }
}
