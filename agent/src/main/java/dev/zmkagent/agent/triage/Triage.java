package dev.zmkagent.agent.triage;

import dev.zmkagent.agent.archive.Attachment;
import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.registry.RegisteredFirmware;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.StoredCapture;
import dev.zmkagent.coredump.bytes.FormatException;
import dev.zmkagent.coredump.report.CrashReport;
import dev.zmkagent.device.boards.BoardCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Many users' crashes at once: analyzes every input (file, folder, archive, capture) in this one process, groups the
 * dumps by crash signature and says which inputs could not be analyzed and why. The same dump content met twice
 * (the same attachment posted twice, a capture and its bundle) counts once.
 */
public final class Triage {
    private final AttachmentAnalyzer analyzer;

    public Triage(BoardCatalog catalog) {
        this.analyzer = new AttachmentAnalyzer(catalog);
    }

    /**
     * One input: the path as the user gave it, the ELFs to consider besides those inside it, the ELF to use when one
     * is known for certain, and the time it was captured when known.
     */
    public record Input(String given, Path path, List<Path> moreElfs, Optional<Path> elf, Optional<Instant> seen) {
        public static Input of(String given, List<Path> elfs) {
            return new Input(given, Path.of(given), elfs, Optional.empty(), Optional.empty());
        }
    }

    /** A dump in a group: the input it came from and its analysis. */
    public record Member(String input, DumpAnalysis analysis) {
    }

    public record Group(String signature, String reason, List<String> frames, String headline, List<Member> members) {
        public int count() {
            return members.size();
        }

        /**
         * How certain each of {@link #frames} is: per frame the labels ({@code inlined}, {@code recovered},
         * {@code tailcall}, {@code tailcall_via_entry}) it has in any member's report; empty when it was unwound from
         * registers and call-frame information in every dump.
         */
        public List<List<String>> frameLabels() {
            List<List<List<String>>> each = new ArrayList<>();
            for (Member m : members) {
                SignatureFrames.labels(m.analysis().report()).ifPresent(each::add);
            }
            return SignatureFrames.union(each, frames.size());
        }

        /** The inputs as given, in the order met, each once. */
        public List<String> inputs() {
            return members.stream().map(Member::input).distinct().toList();
        }

        public List<String> boards() {
            return sorted(members.stream().map(m -> m.analysis().board().orElse("unknown")).toList());
        }

        public List<String> firmware() {
            return sorted(members.stream().map(m -> m.analysis().firmware().orElse("unknown")).toList());
        }

        public Optional<Instant> firstSeen() {
            return members.stream().flatMap(m -> m.analysis().seen().stream()).min(Comparator.naturalOrder());
        }

        public Optional<Instant> lastSeen() {
            return members.stream().flatMap(m -> m.analysis().seen().stream()).max(Comparator.naturalOrder());
        }

        private static List<String> sorted(List<String> xs) {
            return List.copyOf(new TreeSet<>(xs));
        }
    }

    public record Failure(String input, String error) {
    }

    /** The groups, most frequent first; the failures; and how many dumps were left out as already counted. */
    public record Result(List<Group> groups, List<Failure> failed, int duplicates) {
    }

    public Result run(List<Input> inputs) {
        Map<String, Group> groups = new LinkedHashMap<>();
        List<Failure> failed = new ArrayList<>();
        Set<String> seenDumps = new HashSet<>();
        int duplicates = 0;
        for (Input in : inputs) {
            AttachmentAnalysis a;
            try (Attachment att = Attachment.open(in.path())) {
                a = analyzer.analyze(att, in.elf(), in.moreElfs(), in.seen());
            } catch (FormatException e) {
                // Messages name the attachment first; the failure names it already.
                String m = e.getMessage();
                failed.add(new Failure(in.given(), m.startsWith(in.given() + " ") ? m.substring(in.given().length() + 1) : m));
                continue;
            } catch (IOException | UncheckedIOException e) {
                failed.add(new Failure(in.given(), ioMessage(in, e)));
                continue;
            }
            if (a.dumps().isEmpty()) {
                failed.add(new Failure(in.given(), "no dump in it" + (a.ignored().isEmpty() ? "" : " (" + String.join("; ", a.ignored()) + ")")));
                continue;
            }
            for (DumpAnalysis d : a.dumps()) {
                CrashReport r = d.report();
                if (r.dump().isEmpty()) {
                    failed.add(new Failure(in.given(), d.dump() + ": no crash stored (" + r.partition().how() + ")"));
                    continue;
                }
                if (d.elf().isEmpty()) {
                    failed.add(new Failure(in.given(), d.dump() + ": no ELF for it: " + d.elfChoice()));
                    continue;
                }
                if (r.firmware().map(CrashReport.Firmware::identityMismatch).orElse(false)) {
                    failed.add(new Failure(in.given(), d.dump() + ": " + r.firmware().get().identity()));
                    continue;
                }
                if (r.signature().isEmpty()) {
                    failed.add(new Failure(in.given(), d.dump() + ": no backtrace, so no signature (" + String.join(" ", r.diagnosis()) + ")"));
                    continue;
                }
                if (!seenDumps.add(d.dumpSha256())) {
                    duplicates++;
                    continue;
                }
                String sig = r.signature().get();
                Group g = groups.computeIfAbsent(sig, s -> new Group(s, r.dump().get().reasonName(), SignatureFrames.of(r).orElse(List.of()),
                        headline(r), new ArrayList<>()));
                g.members().add(new Member(in.given(), d));
            }
        }
        List<Group> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(new Group(g.signature(), g.reason(), g.frames(), g.headline(), List.copyOf(g.members())));
        }
        out.sort(Comparator.comparing(Group::count).reversed().thenComparing(g -> g.firstSeen().orElse(Instant.MAX)));
        return new Result(List.copyOf(out), List.copyOf(failed), duplicates);
    }

    private static String headline(CrashReport r) {
        return dev.zmkagent.agent.capture.CrashSignatures.headline(r);
    }

    private static String ioMessage(Input in, Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (t instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        if (t instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * The capture store as inputs: each capture folder, captured at its capture time, with the ELF it was analyzed
     * with (when that file is still there) or else every registered build as a candidate.
     */
    public static List<Input> storeInputs(CaptureStore store, FirmwareRegistry registry) throws IOException {
        List<Path> registered = new ArrayList<>();
        for (RegisteredFirmware f : registry.list()) {
            Path elf = f.dir().resolve(RegisteredFirmware.ELF);
            if (Files.isRegularFile(elf)) {
                registered.add(elf);
            }
        }
        List<Input> out = new ArrayList<>();
        for (StoredCapture c : store.list()) {
            Optional<Path> used = c.firmware().map(f -> f.get("elf")).filter(String.class::isInstance).map(s -> Path.of((String) s))
                    .filter(Files::isRegularFile);
            out.add(new Input(c.dir().toString(), c.dir(), registered, used, Optional.of(c.capturedAt())));
        }
        return out;
    }
}
