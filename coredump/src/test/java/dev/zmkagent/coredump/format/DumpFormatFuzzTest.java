package dev.zmkagent.coredump.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zmkagent.coredump.bytes.ByteView;
import dev.zmkagent.coredump.bytes.FormatException;

/**
 * The dump formats as they come off a keyboard or out of a user's log: the 'CD' partition (header, then the stream,
 * as {@link StoredDump} reads it), the bare 'ZE' stream and the {@code #CD:} console log. Each may only answer, or
 * refuse with a {@link FormatException}; anything else (an unchecked exception, an allocation sized by a field, a
 * loop that does not end) is a finding.
 */
class DumpFormatFuzzTest {
    @FuzzTest
    void partition(byte[] data) {
        try {
            StoredDump.read(ByteView.of(data));
        } catch (FormatException e) {
            // refused with a reason: fine
        }
    }

    @FuzzTest
    void stream(byte[] data) {
        try {
            ZephyrDumpParser.parse(ByteView.of(data));
        } catch (FormatException e) {
            // refused with a reason: fine
        }
    }

    @FuzzTest
    void consoleLog(byte[] data) {
        try {
            ConsoleLogDump.Extracted e = ConsoleLogDump.extract(data);
            ZephyrDumpParser.parse(ByteView.of(e.stream()));
        } catch (FormatException e) {
            // refused with a reason: fine
        }
    }
}
