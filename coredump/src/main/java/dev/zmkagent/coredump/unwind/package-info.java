/**
 * Backtraces of Cortex-M (Thumb-2) code without gdb: pure functions of an ELF, a {@link dev.zmkagent.coredump.symbols.Symbolizer},
 * dumped {@link dev.zmkagent.coredump.memory.Memory} and a {@link dev.zmkagent.coredump.unwind.RegisterSet}.
 *
 * <p>One class per job: {@code cfi} (CIE/FDE parsing, the FDE index, CFI execution), {@link dev.zmkagent.coredump.unwind.ExceptionFrames}
 * (EXC_RETURN and hardware-stacked frames), {@code PrologueAnalyzer} (functions without CFI), {@code StackScanner}
 * (GUESS frames), {@code InterruptedThreadFinder} (RECOVERED frames), {@code TailCallChain} (TAILCALL frames from DWARF call sites; TAILCALL_VIA_ENTRY from the thread's entry function), {@link dev.zmkagent.coredump.unwind.FaultContext}
 * (the arch block's sp meanings), {@link dev.zmkagent.coredump.unwind.ThreadLister}, {@link dev.zmkagent.coredump.unwind.CrashSignature};
 * {@link dev.zmkagent.coredump.unwind.Unwinder} ties them together.
 *
 * <p><b>How a dump's backtrace shows the fault boundary.</b> A Zephyr dump holds the interrupted context's stacked
 * registers, not the fault handler's: the handler's own frame is not meaningfully on the dumped stack. So the report
 * starts with one EXCEPTION frame (pc absent) whose label names the fault (e.g. "HardFault: K_ERR_ARM_BUS_PRECISE_DATA_BUS"),
 * set by {@link dev.zmkagent.coredump.unwind.UnwindOptions#withLeadingException}; it stands for what gdb shows live as
 * "#0 HardFault_Handler / #1 &lt;signal handler called&gt;". Frame 1 is then the faulting instruction (looked up at
 * pc, not pc-1), and the frames from there on equal gdb's frames after its "&lt;signal handler called&gt;" line.
 * Exception boundaries crossed during the walk are EXCEPTION frames labelled "&lt;signal handler called&gt;" as in gdb.
 *
 * <p><b>Crashes raised by svc</b> (k_oops, k_panic, __ASSERT: reasons 3 and 4, {@link dev.zmkagent.coredump.unwind.UnwindOptions#svcRaisedReason}):
 * the stacked pc is the instruction after the svc. With {@link dev.zmkagent.coredump.unwind.UnwindOptions#withRaisedBySvc}
 * frame 1 is the svc itself (pc-2, when the halfword there is 0xDFxx): its function, line and CFI row. Here gdb's live
 * view is wrong (it names the function after a noreturn one); the crash lab's {@code frames_at_svc} is the truth.
 *
 * <p><b>Frame pointers and an sp that moves at run time.</b> A frame whose CFI says CFA = r7 + n (GCC's frame pointer on
 * Thumb) in a dump without r4-r11 is unwound from sp unless the Thumb prologue analysis finds sp moved since the
 * prologue: it did not reach the pc, and an instruction in the rest of the function moves sp down (the same rule as
 * without CFI). Where that rest could not be searched (no symbol size, over 64 KiB, code not held) the frame is unwound
 * from sp as before, its method says "unchecked", and r7 is not "established". A function with alloca or a
 * variable-length array ({@code sub sp, sp, rN} after its prologue, e.g. Zephyr's {@code z_log_msg_runtime_vcreate})
 * fails that test: its frame is the last one, the stop says why (REGISTER_UNKNOWN), r7 is not "established", and no
 * stack scan follows (above its sp lies the uninitialised area it allocated). Without CFI, such a function's CFA comes
 * from r7 as its prologue set it up, when r7 is known.
 *
 * <p><b>Untrusted input</b>: thread names and ELF/DWARF strings are escaped where they are read
 * ({@link dev.zmkagent.coredump.bytes.SafeText}); problems with CFI and DWARF are collected by
 * {@link dev.zmkagent.coredump.unwind.Unwinder#warnings}. Thread states are named by {@link dev.zmkagent.coredump.unwind.ThreadState}.
 *
 * <p>Never imports device, agent or cli code.
 */
package dev.zmkagent.coredump.unwind;
