package dev.zmkagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `zmk-agent doctor` without --elf on this very machine (the checks themselves are tested against fake roots in the
 * agent module): the JSON's shape, an exit status that follows from what blocks, and the data-folder line naming the
 * --data-dir given.
 */
class DoctorDesktopCommandTest {
    @Test
    @SuppressWarnings("unchecked")
    void theJsonListsEveryCheckAndTheExitStatusIsOneExactlyWhenSomethingBlocks(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        CliRun r = CliRun.run("doctor", "--json", "--data-dir", data.toString());
        assertEquals("", r.err());
        Map<String, Object> json = JSON.std.mapFrom(r.out());
        List<Map<String, Object>> checks = (List<Map<String, Object>>) json.get("checks");
        assertTrue(checks.size() >= 2, r.out());
        long blocking = checks.stream().filter(c -> c.get("status").equals("blocking")).count();
        assertEquals(blocking, ((Number) json.get("blocking")).longValue());
        assertEquals(blocking > 0, json.get("capture_blocked"));
        assertEquals(blocking > 0 ? 1 : 0, r.exitCode(), r.out());
        Map<String, Object> folder = checks.stream().filter(c -> c.get("check").equals("data_folder")).findFirst().orElseThrow();
        assertEquals("advisory", folder.get("status"), "a 0755 data folder is not private");
        assertEquals("chmod 700 " + data, folder.get("fix"));
        for (Map<String, Object> c : checks) {
            assertEquals(c.get("status").equals("ok"), c.get("fix") == null, "a problem comes with its fix: " + c);
        }
    }

    @Test
    void theTextHasOneLinePerCheckAndBoardWithoutElfIsAMistake(@TempDir Path tmp) {
        CliRun r = CliRun.run("doctor", "--data-dir", tmp.resolve("data").toString());
        assertTrue(r.out().startsWith("This machine (what a capture and its notification need)\n"), r.out());
        assertTrue(r.out().contains("data folder:"), r.out());
        CliRun mistake = CliRun.run("doctor", "--board", "nice_nano");
        assertEquals(2, mistake.exitCode());
        assertTrue(mistake.err().contains("--board and --variant go with --elf zmk.elf"), mistake.err());
    }
}
