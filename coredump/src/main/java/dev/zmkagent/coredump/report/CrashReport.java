package dev.zmkagent.coredump.report;

import dev.zmkagent.coredump.memory.AddressRange;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything a crash report says, independent of how it is printed (text, JSON, Markdown). Built by the agent's
 * analysis pipeline; rendered by {@link TextReport}, {@link JsonReport} and {@link MarkdownReport}.
 */
public record CrashReport(
        Input input,
        Partition partition,
        Optional<Dump> dump,
        Optional<Firmware> firmware,
        List<Frame> frames,
        List<MemoryRange> memory,
        List<String> faultStatus,
        List<String> diagnosis,
        List<String> warnings,
        Optional<String> signature,
        List<ThreadInfo> threads) {

    /** What was read and how it was recognised. */
    public record Input(String kind, String path, String description, OptionalLong base, Optional<String> board,
                        Optional<String> bootloaderWindow) {
    }

    /** Where the coredump partition was found (or why none was). */
    public record Partition(OptionalLong address, OptionalLong size, String how, String headerState,
                            Optional<Boolean> checksumOk, OptionalLong streamSize, boolean interrupted) {
    }

    /**
     * {@code faultAddress} is the address the CPU faulted on (BFAR/MMFAR), when the dump holds valid fault status;
     * {@code pcLocation}/{@code lrLocation} name the source of pc and of the return address in lr (with the inline
     * chain), when the ELF is known and lr is a code address.
     */
    public record Dump(int headerVersion, int archVersion, long reasonCode, String reasonName, String reasonMeaning,
                       boolean truncated, List<Register> registers, boolean calleeSavedKnown, String xpsr,
                       Optional<String> excReturn, OptionalLong faultAddress, Optional<String> pcLocation,
                       Optional<String> lrLocation) {
    }

    /** A register value; {@code known} is false for registers the dump did not collect (never shown as zero). */
    public record Register(String name, long value, boolean known) {
        public String hex() {
            return known ? String.format("0x%08x", value) : null;
        }
    }

    public record Firmware(String path, Optional<String> buildId, String identity, boolean identityMismatch) {
    }

    /**
     * One backtrace frame, innermost first; frame 0 is where the fault happened. {@code pc} is absent for an exception
     * boundary; frames of one inline chain share the pc of the machine frame they are in, and its {@code kind} (how
     * that machine frame was found: normal, exception, recovered, tailcall, tailcall_via_entry, guess), so an inlined
     * function in a guessed frame is a guess too; {@code inlined} says that it was inlined.
     */
    public record Frame(int index, OptionalLong pc, String function, String file, int line, boolean inlined, String kind,
                        List<Variable> args, List<Variable> locals, Optional<String> btArgs, Optional<NullCall> nullCall) {
        public Frame {
            args = List.copyOf(args);
            locals = List.copyOf(locals);
        }

        /** A frame that is not a jump to address 0. */
        public Frame(int index, OptionalLong pc, String function, String file, int line, boolean inlined, String kind,
                     List<Variable> args, List<Variable> locals, Optional<String> btArgs) {
            this(index, pc, function, file, line, inlined, kind, args, locals, btArgs, Optional.empty());
        }

        /** A frame without values (no DWARF for it, an exception boundary, a guess). */
        public Frame(int index, OptionalLong pc, String function, String file, int line, boolean inlined, String kind) {
            this(index, pc, function, file, line, inlined, kind, List.of(), List.of(), Optional.empty());
        }

        /** The same frame, saying that the code got to its pc 0 through {@code call}. */
        public Frame withNullCall(NullCall call) {
            return new Frame(index, pc, function, file, line, inlined, kind, args, locals, btArgs, Optional.of(call));
        }
    }

    /**
     * How a frame at pc 0 came about: address 0 holds no function of the build (on a board with flash at 0 it is the
     * vector table), so the frame is named by the code that went there. {@code registerCall} is true when the
     * instruction before {@code returnAddress} (lr, the return into {@code caller}) is {@code blx rN}: a call through a
     * NULL function pointer. Otherwise it was a jump (e.g. {@code bx rN}) and lr only says where the code returns to.
     */
    public record NullCall(String caller, String file, int line, long returnAddress, boolean registerCall) {
        /** "hold_tap_timer_expired (issue10.c:26)", the caller as the report names it. */
        public String where() {
            return caller + (file == null ? "" : " (" + file + (line > 0 ? ":" + line : "") + ")");
        }

        /** The sentence the text report puts on frame 0. */
        public String sentence() {
            return registerCall ? "call to address 0 (NULL function pointer) from " + where()
                    : "jump to address 0, where no function lives; lr returns into " + where();
        }
    }

    /**
     * An argument or local of a frame. {@code value} is gdb's text of it ({@code info args}/{@code info locals} form);
     * {@code entryValue} a parameter's value at the function's entry ({@code name@entry}) when known;
     * {@code unavailableReason} says why the value, or a part of it, is missing.
     */
    public record Variable(String name, String type, String value, Optional<String> entryValue, Optional<String> unavailableReason) {
    }

    /**
     * A kernel thread from Zephyr's thread list: its state, stack use (from the 0xAA fill) and the backtrace from its
     * saved context (empty for the crashing thread, whose backtrace is the report's).
     */
    public record ThreadInfo(long address, String name, boolean current, OptionalLong state, Optional<String> stateText, OptionalLong priority,
                             Optional<String> entry, Optional<AddressRange> stack, OptionalLong usedBytes,
                             List<Frame> frames, Optional<String> stopReason) {
    }

    /** A range the dump holds ({@code present}) or a range a truncated block should have held but lost. */
    public record MemoryRange(AddressRange range, boolean present, String source) {
    }
}
