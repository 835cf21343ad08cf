package dev.zmkagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real command runner, on real processes. */
class SystemCommandRunnerTest {
    @Test
    void aCommandThatFinishesGivesItsExitCodeAndOutput() {
        CommandRunner.Result r = CommandRunner.system(Duration.ofSeconds(20)).run(List.of("sh", "-c", "echo active; echo oops >&2; exit 3"));
        assertEquals(3, r.exitCode());
        assertEquals("active\noops", r.output());
    }

    /** A hung command (here one that keeps its output open) is given up on at the timeout instead of being waited for. */
    @Test
    void aCommandThatHangsIsGivenUpOnAtTheTimeout() {
        CommandRunner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> CommandRunner.system(Duration.ofSeconds(1)).run(List.of("sh", "-c", "echo started; sleep 60")));
        assertEquals(-1, r.exitCode());
        assertTrue(r.output().startsWith("timed out"), r.output());
    }

    @Test
    void aMissingCommandIsSaidInOneLine() {
        CommandRunner.Result r = CommandRunner.system(Duration.ofSeconds(5)).run(List.of("zmk-agent-no-such-command"));
        assertEquals(-1, r.exitCode());
        assertEquals("zmk-agent-no-such-command is not available", r.output());
    }
}
