package dev.zmkagent.agent.triage;

import java.util.List;

/**
 * What {@code analyze ATTACHMENT} found: one analysis per distinct dump, the ELFs met, the firmware images that hold
 * no dump (a CI artifact's {@code <board>-zmk.uf2}), and the files that are neither.
 */
public record AttachmentAnalysis(String given, List<DumpAnalysis> dumps, List<String> elfs, List<String> firmwareImages,
                                 List<String> ignored) {
}
