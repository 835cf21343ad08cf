package dev.zmkagent.coredump.preflight;

/** One Kconfig line for the user's config/&lt;board&gt;.conf, and why. */
public record Advice(String kconfig, String why) {
}
