"""Crash-lab scenarios: each one is a firmware build (all choices are -D
flags), one QEMU run and one fixture folder. To add one, append a dict to
SCENARIOS (see crashlab/README.md)."""

# nRF52840 board layouts of ZMK's debug variants (reference notes §4.4)
M4 = {"cpu": "cortex-m4", "machine": "mps2-an386", "ram_start": 0x20000000, "flash_base": 0, "flash_size": 0x100000,
      "mbr": True, "defines": {}, "extra_sources": []}
TARGETS = {
    "nice_nano/zmk_debug": dict(M4, board="nice_nano", variant="zmk_debug", softdevice="S140 6.1.1",
                                app_start=0x26000, app_size=0x4B000, part_addr=0x71000,
                                settings_addr=0xEC000, settings_size=0x8000),
    "nice_nano/zmk_debug_extra": dict(M4, board="nice_nano", variant="zmk_debug_extra", softdevice="S140 6.1.1",
                                      app_start=0x26000, app_size=0x73000, part_addr=0x99000,
                                      settings_addr=0xEC000, settings_size=0x8000),
    "xiao_ble/zmk_debug": dict(M4, board="xiao_ble", variant="zmk_debug", softdevice="S140 7.3.0",
                               app_start=0x27000, app_size=0x4A000, part_addr=0x71000,
                               settings_addr=0xEC000, settings_size=0x8000),
    # A board flashed without a bootloader (SWD/J-Link), e.g. Zephyr's nrf52840dk/nrf52840 built without
    # CONFIG_USE_DT_CODE_PARTITION: the application is linked at the flash base, so its vector table is at address 0
    # (in the executable .text section); no MBR, no SoftDevice, no UF2 bootloader: the dump is the partition image.
    "nrf52840dk/zmk_debug": dict(M4, board="nrf52840dk", variant="zmk_debug", softdevice=None, app_start=0,
                                 app_size=0x71000, part_addr=0x71000, mbr=False),
    # Lab-only Cortex-M33 (Armv8-M Mainline) target on QEMU mps2-an521, like Zephyr's mps2/an521/cpu0 board (Secure
    # state, no TrustZone split): code in SSRAM1's secure alias at 0x10000000, RAM in SSRAM2's at 0x38000000, the
    # coredump partition in code memory at 0x10100000; no MBR and no bootloader: the dump is the partition image.
    # The SSE-200's CPU0 has no FPU (CPU1 has one); the FPU builds give CPU0 the FPU (sse-200.CPU0_FPU).
    "mps2_an521/crashlab_m33": {"cpu": "cortex-m33", "machine": "mps2-an521", "board": "mps2_an521", "variant": "crashlab_m33",
                                "softdevice": None, "app_start": 0x10000000, "app_size": 0x80000, "part_addr": 0x10100000,
                                "ram_start": 0x38000000, "flash_base": 0x10000000, "flash_size": 0x110000, "mbr": False,
                                "defines": {"LAB_ARMV8M_MAINLINE": 1, "LAB_UART0_BASE": "0x50200000"},
                                "extra_sources": ["armv8m.c"], "qemu_fpu": ["-global", "sse-200.CPU0_FPU=on"]},
}

# (bootloader board key for render.FAMILY / INFO_TEXT, version)
NN_060 = ("nice_nano", "0.6.0")
NN_092 = ("nice_nano", "0.9.2")
XIAO_SENSE_061 = ("xiao_sense", "0.6.1")
XIAO_080 = ("xiao", "0.8.0")

DEFAULTS = {
    "opt": "-Og", "dwarf": 5, "mem": "LINKER_RAM", "hdr": 2, "sp": "4.1", "chunk": 64,
    "fsr_region": False, "extra_exception_info": False, "end": "normal", "escalate": False,
    "defines": {}, "uf2": False, "example": None, "fpu": True, "layout": "lab",
    "sources": [], "file_defines": {}, "tail_calls": None, "no_debug_sources": [], "alloca": None,
}

SCENARIOS = [
    dict(name="nice_nano-busfault", target="nice_nano/zmk_debug", bootloader=NN_060, kind="BUSFAULT",
         reason=25, uf2=True, example="nice_nano-zmk_debug-busfault",
         proves="Precise bus fault (BusFault enabled) 6 calls deep in the kscan thread, the faulting load inside an "
                "always-inline helper; whole-RAM dump (LINKER_RAM) truncated by the 64 KiB partition as on a real "
                "ZMK build; CURRENT.UF2 of a 0.6.0 bootloader (window 0x1000-0xACFFF)."),
    dict(name="nice_nano-busfault-escalated", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BUSFAULT",
         reason=25, escalate=True,
         proves="The same bus fault with BusFault disabled in SHCSR: HardFault with HFSR.FORCED, reason still 25 "
                "from CFSR; handler entry is z_arm_hard_fault."),
    dict(name="xiao-irq-busfault", target="xiao_ble/zmk_debug", bootloader=XIAO_SENSE_061, kind="IRQ",
         reason=25, mem="THREADS", uf2=True,
         proves="Bus fault inside an interrupt handler (through _isr_wrapper, no CFI) that interrupted the kscan "
                "thread; THREADS dump with 'T' block and the ISR stack; XIAO layout (app 0x27000) and a XIAO Sense "
                "CURRENT.UF2 (family 0x28860045, 0.6.1 window)."),
    dict(name="nice_nano_extra-irq-nested", target="nice_nano/zmk_debug_extra", bootloader=NN_092,
         kind="IRQ_NESTED", reason=25, uf2=True,
         proves="Bus fault in a higher-priority interrupt that nested into another interrupt that interrupted a "
                "thread (two _isr_wrapper frames, two exception boundaries on the MSP plus one to the PSP); "
                "zmk_debug_extra partition at 0x99000; CURRENT.UF2 of a >=0.6.1 bootloader."),
    dict(name="nice_nano-fpu", target="nice_nano/zmk_debug", bootloader=NN_092, kind="FPU", reason=25,
         mem="THREADS",
         proves="Bus fault with an FP context live: extended exception frame (EXC_RETURN 0xFFFFFFED), 4.1 sp = "
                "frame + 104; the sleeping 'logging' thread was also switched out with an extended frame "
                "(mode_exc_return 0xED, s16-s31 in arch.preempt_float)."),
    dict(name="xiao-nullptr", target="xiao_ble/zmk_debug", bootloader=XIAO_080, kind="NULLPTR", reason=35,
         escalate=True,
         proves="Call through a NULL function pointer: stacked pc = 0, INVSTATE escalated to HardFault, reason 35 "
                "(ILLEGAL_EPSR); gdb 13 shows '0x00000000 in ?? ()' and continues through the stacked lr into "
                "behavior_dispatch. XIAO family 0x28860044."),
    dict(name="xiao-stack-overflow", target="xiao_ble/zmk_debug", bootloader=XIAO_SENSE_061,
         kind="STACK_OVERFLOW", reason=2, mem="MIN",
         proves="MIN dump (a LINKER_RAM dump would read the no-access guard and fault again inside the handler). Thread stack overflow caught by a 32-byte MPU guard (like CONFIG_MPU_STACK_GUARD on the XIAO "
                "variant): a large local buffer moved sp below the guard, the store into the guard is a MemManage "
                "data access violation with MMFAR in the guard -> reason 2 (STACK_CHK_FAIL)."),
    dict(name="nice_nano-oops", target="nice_nano/zmk_debug", bootloader=NN_060, kind="OOPS", reason=3,
         proves="k_oops() through svc #2 (reason 3); handler entry is z_arm_svc; no CFSR bits."),
    dict(name="nice_nano-assert", target="nice_nano/zmk_debug", bootloader=NN_060, kind="ASSERT", reason=4,
         mem="MIN",
         proves="__ASSERT failure -> assert_post_action -> k_panic() through svc #2 (reason 4); MIN dump (current "
                "thread struct and stack only). The svc is the last instruction of the noreturn assert_post_action, "
                "so the stacked pc is the first instruction of the NEXT function (zmk_keymap_layer_activate): "
                "gdb's frame after the exception names that function; the true location is pc - 2."),
    dict(name="nice_nano-div0", target="nice_nano/zmk_debug", bootloader=NN_092, kind="DIV0", reason=30,
         proves="Divide by zero with CCR.DIV_0_TRP, called through an assembly routine that left sp 4 bytes off "
                "8-byte alignment: stacked xPSR bit 9 is set, so the 4.1 sp has |4."),
    dict(name="xiao-unaligned", target="xiao_ble/zmk_debug", bootloader=XIAO_080, kind="UNALIGNED", reason=31,
         proves="Unaligned word load with CCR.UNALIGN_TRP (reason 31)."),
    dict(name="nice_nano-undef", target="nice_nano/zmk_debug", bootloader=NN_092, kind="UNDEF", reason=36,
         proves="__builtin_trap() (udf) -> UsageFault UNDEFINSTR, reason 36."),
    dict(name="nice_nano-busfault-O2", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BUSFAULT",
         reason=25, opt="-O2", defines={"LAB_ALLOW_INLINE": 1},
         proves="-O2 with the call chain free to inline: several inlined frames share one pc."),
    dict(name="nice_nano-busfault-Os", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BUSFAULT",
         reason=25, opt="-Os", defines={"LAB_ALLOW_INLINE": 1},
         proves="-Os build of the bus fault (inlining and sibling calls as gcc decides for size)."),
    dict(name="nice_nano-busfault-dwarf4", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BUSFAULT",
         reason=25, dwarf=4,
         proves="The bus fault built with -gdwarf-4 instead of DWARF 5."),
    dict(name="xiao-busfault-min", target="xiao_ble/zmk_debug", bootloader=XIAO_SENSE_061, kind="BUSFAULT",
         reason=25, mem="MIN",
         proves="MIN dump: 'M' blocks for the current thread's struct k_thread and its whole stack only."),
    dict(name="nice_nano-busfault-extra-info", target="nice_nano/zmk_debug", bootloader=NN_092,
         kind="BUSFAULT", reason=25, mem="MIN", extra_exception_info=True,
         proves="CONFIG_EXTRA_EXCEPTION_INFO: the arch block's r4-r11 hold the values at the fault (they are zero "
                "in every other scenario)."),
    dict(name="nice_nano-values", target="nice_nano/zmk_debug", bootloader=NN_092, kind="VALUES", reason=25,
         proves="Values: a bus fault in lll_prepare_resolve, whose arguments are typed (function pointers, uint8_t, "
                "bool, a struct pointer) and whose caller has a struct with bit-fields and an enum, a bool and a "
                "static local; the conn_name argument points into a heap block past the LINKER_RAM cut, so its "
                "string was lost to the truncation."),
    dict(name="xiao-values-min", target="xiao_ble/zmk_debug", bootloader=XIAO_SENSE_061, kind="VALUES", reason=25,
         mem="MIN",
         proves="Values in a MIN dump: only the crashing thread's stack and struct k_thread were dumped, so globals "
                "and the heap string behind conn_name are outside what the dump holds."),
    dict(name="nice_nano-busfault-fsr-region", target="nice_nano/zmk_debug", bootloader=NN_092,
         kind="BUSFAULT", reason=25, mem="THREADS", fsr_region=True,
         proves="THREADS dump plus an extra 'M' block over 0xE000ED28..0xE000ED3C (CFSR, HFSR, DFSR, MMFAR, "
                "BFAR) after the RAM blocks."),
    dict(name="nice_nano-busfault-other-shield", target="nice_nano/zmk_debug", bootloader=NN_092,
         kind="BUSFAULT_OTHER_SHIELD", reason=25,
         proves="nice_nano-busfault's bug in another user's build: a display shield's driver and buffers "
                "(fw/shield.c) linked before app.c, so every function, variable and stack of app.c sits at "
                "another address; same call path. Triage groups it with nice_nano-busfault."),
    dict(name="xiao-busfault-other-shield-threads", target="xiao_ble/zmk_debug", bootloader=XIAO_080,
         kind="BUSFAULT_OTHER_SHIELD", reason=25, mem="THREADS",
         proves="The same bug, other shield, XIAO layout (app 0x27000) and a THREADS dump with the 'T' block: "
                "other addresses, other dump layout, one crash signature."),
    dict(name="nice_nano-erased", target="nice_nano/zmk_debug", bootloader=NN_092, kind="NONE", reason=None,
         proves="No crash yet: the partition is erased (all 0xFF); the lab stops in crashlab_steady_state."),
    dict(name="nice_nano-interrupted", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BUSFAULT",
         reason=25, mem="MIN", end="interrupted",
         proves="Interrupted dump: the 'ZE' data is in the partition but the 'CD' header (written last) is "
                "still erased."),
    dict(name="nice_nano-corrupt-checksum", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BUSFAULT",
         reason=25, mem="MIN", end="corrupt",
         proves="Complete dump, valid header, but one data bit later flipped 1->0 (offset in "
                "truth.json firmware.crashlab_corrupted_at, from the dump start): checksum mismatch without "
                "truncation."),
    dict(name="nice_nano-zephyr35-busfault", target="nice_nano/zmk_debug", bootloader=NN_060, kind="BUSFAULT",
         reason=25, hdr=1, sp="3.5", chunk=4,
         proves="Zephyr 3.5 era (ZMK <= v0.3): 'ZE' header version 1, arch sp = address of the exception frame, "
                "4-byte stream-flash buffer; LINKER_RAM truncated."),
    dict(name="xiao-idle-swi-busfault", target="xiao_ble/zmk_debug", bootloader=XIAO_080, kind="IDLE_IRQ",
         reason=25, defines={"LAB_ZMK_BUILD": 1},
         proves="A ZMK-like build without a thread list (no THREAD_MONITOR, THREAD_NAME or DEBUG_THREAD_INFO, so no "
                "'T' block and no thread-info table; THREAD_STACK_INFO on): the Bluetooth controller's software "
                "interrupt (SWI4, IRQ 24) faults while every thread waits and the idle thread sleeps in Zephyr 4.1's "
                "C arch_cpu_idle (interrupted at the inlined __ISB after wfi). _kernel.cpus[0].current is the idle "
                "thread z_idle_threads[0]; its exception frame is on its stack (stack_info); psp is not recorded. "
                "Thread objects are plain globals: z_idle_threads[1], z_main_thread, k_sys_work_q.thread, "
                "_k_thread_obj_kscan, recv_thread_data, logging_thread_obj (and _thread_dummy, not a thread)."),
    dict(name="nice_nano-nomonitor-busfault", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BUSFAULT",
         reason=25, defines={"LAB_ZMK_BUILD": 1},
         proves="The thread-mode bus fault of nice_nano-busfault on a ZMK-like build without a thread list (as "
                "xiao-idle-swi-busfault): the threads are found only as DWARF-typed globals of struct k_thread, "
                "by object name, with state and backtrace."),
    dict(name="xiao-zephyr35-fpu", target="xiao_ble/zmk_debug", bootloader=XIAO_SENSE_061, kind="FPU",
         reason=25, hdr=1, sp="3.5", chunk=4, mem="MIN",
         proves="Zephyr 3.5 sp meaning with an extended FP frame: sp = frame address (the 4.1 value would be "
                "+104)."),
    # Cortex-M33 (Armv8-M Mainline), lab-only target (no bootloader: the dump is the partition image)
    dict(name="m33-div0", target="mps2_an521/crashlab_m33", bootloader=None, kind="DIV0", reason=30, fpu=False,
         proves="Cortex-M33 build without FPU (-mcpu=cortex-m33+nofp -mfloat-abi=soft): thread-mode usage fault "
                "(divide by zero) through the routine that leaves sp 4 bytes off alignment, so the stacked xPSR has "
                "bit 9 set; Zephyr 4.1 on Armv8-M Mainline stores sp = frame + 32 WITHOUT the |4 it applies on "
                "Armv7-M (z_arm_set_fault_sp). 5 frames to z_thread_entry."),
    dict(name="m33-fpu-div0", target="mps2_an521/crashlab_m33", bootloader=None, kind="DIV0", reason=30, mem="THREADS",
         defines={"LAB_FP_CONTEXT": 1},
         proves="Cortex-M33 build with the FPU (-mfloat-abi=hard -mfpu=fpv5-sp-d16, CONFIG_FPU_SHARING): the same "
                "usage fault with an FP context live, so the core stacks the extended frame (EXC_RETURN 0xFFFFFFED) "
                "and Zephyr 4.1 stores sp = frame + 104, again without the bit-9 |4; THREADS dump."),
    dict(name="m33-zephyr34-div0", target="mps2_an521/crashlab_m33", bootloader=None, kind="DIV0", reason=30,
         fpu=False, hdr=1, sp="3.4", chunk=4, mem="MIN",
         proves="Zephyr 3.4 on the Cortex-M33 without FPU: z_arm_fault() stores sp = the exception frame's address "
                "(z_arm_coredump_fault_sp = esf); ZE header v1, MIN dump."),
    dict(name="m33-zephyr34-fpu-div0", target="mps2_an521/crashlab_m33", bootloader=None, kind="DIV0", reason=30,
         hdr=1, sp="3.4", chunk=4, defines={"LAB_FP_CONTEXT": 1},
         proves="Zephyr 3.4 on the Cortex-M33 with the FPU and an FP context live: sp = the address of the extended "
                "frame; LINKER_RAM dump truncated by the partition."),
    dict(name="m33-stack-limit", target="mps2_an521/crashlab_m33", bootloader=None, kind="STACK_OVERFLOW", reason=2,
         fpu=False, mem="THREADS",
         defines={"LAB_BUILTIN_STACK_GUARD": 1, "LAB_INIT_STACKS": 0, "LAB_LAYER_SCRATCH": 100, "STACK_DEPTH": 40},
         proves="Stack overflow caught by the Cortex-M33 stack limit (CONFIG_BUILTIN_STACK_GUARD: the context "
                "switch sets PSPLIM to the thread's stack_info.start): the render recursion's 'sub sp' (after a push of "
                "three registers, so sp is 4 bytes off alignment there) would cross "
                "PSPLIM, the UsageFault (STKOF) finds no room for the exception frame, so the core stacks nothing "
                "and sets psp = PSPLIM; Zephyr reports reason 2 with the 'frame' read from the untouched stack "
                "bottom: pc = lr = 0 (no CONFIG_INIT_STACKS, as in ZMK). gdb's truth is its bt at the overflowing "
                "instruction."),
    dict(name="m33-stack-limit-tailcall", target="mps2_an521/crashlab_m33", bootloader=None, kind="STACK_OVERFLOW", reason=2,
         fpu=False, mem="THREADS",
         defines={"LAB_BUILTIN_STACK_GUARD": 1, "LAB_INIT_STACKS": 0, "LAB_LAYER_SCRATCH": 100, "STACK_DEPTH": 40,
                  "LAB_STACK_LIMIT_TAILCALL": 1},
         proves="The stack-limit overflow of m33-stack-limit, with the recursion going through a function that tail-calls: "
                "display_layer_render calls (bl) display_layer_scale, which jumps (b.w) to display_layer_render directly or "
                "through display_layer_dim. The render overflowed, but the saved return address follows a call to "
                "display_layer_scale, whose own (untaken) wide path needs more stack than the render: both pass the "
                "checks, so the report must not name the overflowing function, only 'display_layer_scale or a function it "
                "tail-called'; the callers are rebuilt, and the two tail-call paths at every level are said to be ambiguous."),
    dict(name="m33-stack-limit-indirect", target="mps2_an521/crashlab_m33", bootloader=None, kind="STACK_OVERFLOW", reason=2,
         fpu=False, mem="THREADS",
         defines={"LAB_BUILTIN_STACK_GUARD": 1, "LAB_INIT_STACKS": 0, "LAB_LAYER_SCRATCH": 100, "STACK_DEPTH": 40,
                  "LAB_STACK_LIMIT_INDIRECT": 1},
         proves="The stack-limit overflow of m33-stack-limit-tailcall, with display_layer_scale reaching the render "
                "through its device's API table (a tail call through a register, as Zephyr's display API wrappers "
                "make at -O2). The render overflowed, but the saved return address follows a call to "
                "display_layer_scale, whose frame would also reach below the limit and which jumps on to a function "
                "no call site names: the callers cannot be rebuilt, and the report must say why (which function "
                "jumps through a pointer, and where) instead of falling back in silence."),
    dict(name="nice_nano-bonds", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BONDS", reason=25,
         uf2=True,
         proves="Two bonds: struct bt_keys with Zephyr 4.1's layout in key_pool[2] and identity IRKs in bt_dev, "
                "loaded at boot from the NVS settings partition at 0xEC000 (settings.bin: bt/id, bt/irk, two "
                "bt/keys records, one of them re-paired so its old value is still in flash, ZMK's ble/ "
                "records); then the bus fault. LINKER_RAM dump holding key_pool and bt_dev; the 0.9.2 "
                "CURRENT.UF2 does not reach the settings partition."),
    dict(name="xiao-bonds-no-types", target="xiao_ble/zmk_debug", bootloader=XIAO_080, kind="BONDS_NO_TYPES",
         reason=25, uf2=True,
         proves="The same bonds with bt_keys.c built without DWARF: the ELF names key_pool and bt_dev but has "
                "no struct bt_keys type (redaction's fallback path)."),
    dict(name="nice_nano-gapfill", target="nice_nano/zmk_debug", bootloader=NN_092, kind="BUSFAULT", reason=25,
         layout="zephyr", mem="THREADS",
         proves="A build laid out as Zephyr lays it out (iterable sections, RAM images in flash as output sections "
                "of their own) and flashed as zmk.uf2 made the way Zephyr makes it (objcopy --gap-fill 0xff -O binary, "
                "uf2conv.py): a 4-byte gap between two read-only iterable sections and a 1-byte gap between .data "
                "images hold 0xFF on the device and 0x00 in the ELF's segments. The matching ELF must pass silently."),
    dict(name="xiao-timer-nullptr", target="xiao_ble/zmk_debug", bootloader=XIAO_080, kind="TIMER_NULLPTR",
         reason=35, layout="zephyr", sources=["timers.c", "issue10.c"],
         defines={"LAB_TIMERS": 1, "LAB_AFTER_TRIGGER": "lab_issue10_trigger"},
         file_defines={"kernel.c": {"sys_clock_isr": "z_lab_tick_wake"}},
         proves="A k_timer expiry function calls through a NULL pointer from the SysTick interrupt "
                "(sys_clock_isr -> sys_clock_announce -> z_timer_expiration_handler -> hold_tap_timer_expired): "
                "UsageFault INVSTATE, reason 35, pc = 0, lr = the return into the expiry function. The build has "
                "functions --gc-sections discarded (some with inlined calls), whose DWARF stays at low_pc 0."),
    dict(name="xiao-timer-nullptr-gc", target="xiao_ble/zmk_debug", bootloader=XIAO_080, kind="TIMER_NULLPTR_GC",
         reason=35, layout="zephyr", sources=["timers.c", "issue10.c"],
         defines={"LAB_TIMERS": 1, "LAB_AFTER_TRIGGER": "lab_issue10_trigger"},
         file_defines={"kernel.c": {"sys_clock_isr": "z_lab_tick_wake"}},
         proves="The NULL call of xiao-timer-nullptr on a build that really carries DWARF of discarded code: "
                "fw/issue10.c's unused functions (with always-inline helpers) are dropped by --gc-sections and their "
                "DW_AT_low_pc, .debug_aranges entries, line sequences and .debug_frame FDEs stay at 0. Frame 0 is "
                "the call to address 0; no frame may name a discarded function."),
    dict(name="nrf52840dk-timer-nullptr-flash0", target="nrf52840dk/zmk_debug", bootloader=None,
         kind="TIMER_NULLPTR_GC", reason=35, sources=["timers.c", "issue10.c"],
         defines={"LAB_TIMERS": 1, "LAB_AFTER_TRIGGER": "lab_issue10_trigger"},
         file_defines={"kernel.c": {"sys_clock_isr": "z_lab_tick_wake"}},
         proves="xiao-timer-nullptr-gc's NULL call on a board with flash at 0: the vector table is at address 0 "
                "inside an executable section, so gdb takes the discarded functions' DWARF at 0 for real code. "
                "Address 0 is the vector table, not a function: frame 0 must name none."),
    dict(name="nice_nano-tailcall-entry", target="nice_nano/zmk_debug", bootloader=NN_092, kind="TAILCALL_ENTRY",
         reason=25, sources=["issue10.c"], defines={"LAB_AFTER_TRIGGER": "lab_issue10_trigger"},
         tail_calls={"faulting": "keymap_layer_apply", "path": ["keymap_event_thread", "keymap_event_dispatch"],
                     "provable": True},
         proves="A thread's entry function tail-calls (b.w) a function that tail-calls the faulting one: only "
                "keymap_layer_apply and z_thread_entry have frames. The erased callers keymap_event_dispatch and "
                "keymap_event_thread are provable: the thread object names the entry function, and the DWARF call "
                "sites (DW_AT_call_tail_call) give one path from it to the faulting function."),
    dict(name="nice_nano-tailcall-ambiguous", target="nice_nano/zmk_debug", bootloader=NN_092,
         kind="TAILCALL_AMBIGUOUS", reason=25, sources=["issue10.c"], defines={"LAB_AFTER_TRIGGER": "lab_issue10_trigger"},
         tail_calls={"faulting": "keymap_layer_apply", "path": ["keymap_event_thread", "keymap_event_pressed"],
                     "other_paths": [["keymap_event_thread", "keymap_event_released"]], "provable": False},
         proves="The entry function can reach the faulting function by two tail-call paths (through the press or the "
                "release handler): the report must show neither and say that the tail-call path is ambiguous."),
    dict(name="nice_nano-tailcall-indirect", target="nice_nano/zmk_debug", bootloader=NN_092,
         kind="TAILCALL_INDIRECT", reason=25, sources=["issue10.c"], defines={"LAB_AFTER_TRIGGER": "lab_issue10_trigger"},
         tail_calls={"faulting": "keymap_layer_apply", "path": ["keymap_event_thread", "keymap_event_released"],
                     "indirect": ["keymap_event_thread"],
                     "other_paths": [["keymap_event_thread", "keymap_event_dispatch"]], "provable": False},
         proves="The entry function tail-calls either directly (b.w keymap_event_dispatch) or through a pointer (bx, "
                "DWARF call site without a known target) into a function that jumps to the faulting one; the run takes "
                "the pointer. The DWARF call sites name one path, which was not taken: the report must show no frame "
                "of either path and say that an indirect tail call makes the path unknown."),
]


# alloca: the function whose sp moved at run time; provable: whether the dump proves its CFA (r7 known), i.e. whether a
# backtrace may go beyond it. The harness checks through gdb that its CFA lies above its static frame (sp really moved).
VLA = dict(sources=["log_msg.c"], defines={"LAB_AFTER_TRIGGER": "lab_vla_trigger"})
VLA_FN = "z_log_msg_runtime_vcreate"
SCENARIOS += [
    dict(VLA, name="nice_nano-vla-callee", alloca={"function": VLA_FN, "provable": False}, target="nice_nano/zmk_debug", bootloader=NN_092, kind="VLA_CALLEE",
         reason=25,
         proves="A callee faults while a function whose sp moved at run time is on the stack: ZMK's LOG_DBG in "
                "zmk_keymap_apply_position_state -> z_log_msg_runtime_vcreate, which in immediate mode puts the "
                "message on its stack with alloca (GCC: r7 frame pointer, CFA = r7 in .debug_frame, sp moved by a "
                "computed amount after the early-return branch) -> z_log_msg_finalize -> z_log_msg_commit -> "
                "msg_process -> log_output_msg_process, which reads the '%s' argument through a stale pointer. "
                "r4-r11 are not in the dump, so r7 is unknown: the frame of the alloca function cannot be proved."),
    dict(VLA, name="nice_nano-vla-self", alloca={"function": VLA_FN, "provable": False}, target="nice_nano/zmk_debug", bootloader=NN_092, kind="VLA_SELF",
         reason=25,
         proves="The fault in the alloca function itself after its sp moved: LOG_HEXDUMP_DBG of a stale binding, "
                "z_log_msg_finalize inlined into z_log_msg_runtime_vcreate copies the data into the message on the "
                "stack and faults. Frame 0 is the alloca function; with r7 unknown its CFA is not known."),
    dict(VLA, name="nice_nano-vla-callee-extra-info", alloca={"function": VLA_FN, "provable": True}, target="nice_nano/zmk_debug", bootloader=NN_092,
         kind="VLA_CALLEE", reason=25, mem="MIN", extra_exception_info=True,
         proves="nice_nano-vla-callee with CONFIG_EXTRA_EXCEPTION_INFO: r4-r11 are in the dump, the callees leave r7 "
                "alone, so the alloca function's CFA is r7 + 48 by its call-frame information, and the whole chain to "
                "z_thread_entry is proved."),
    dict(VLA, name="xiao-vla-self-extra-info", alloca={"function": VLA_FN, "provable": True}, target="xiao_ble/zmk_debug", bootloader=XIAO_080,
         kind="VLA_SELF", reason=25, mem="THREADS", extra_exception_info=True,
         proves="nice_nano-vla-self with CONFIG_EXTRA_EXCEPTION_INFO (THREADS dump, XIAO layout): r7 at the fault is "
                "the frame pointer of the alloca function that faulted, so its CFA and every caller are proved."),
    dict(VLA, name="xiao-vla-self-nocfi", alloca={"function": VLA_FN, "provable": False}, target="xiao_ble/zmk_debug", bootloader=XIAO_080, kind="VLA_SELF",
         reason=25, no_debug_sources=["log_msg.c"],
         proves="nice_nano-vla-self's fault with log_msg.c built without debug information (-g0: no DWARF and no "
                ".debug_frame for it, as a library built without -g): only prologue analysis is left. The prologue "
                "makes r7 the frame pointer, sp moves after it by a run-time amount, and r7 is not in the dump."),
    dict(VLA, name="nice_nano-vla-callee-nocfi-extra-info", alloca={"function": VLA_FN, "provable": True}, target="nice_nano/zmk_debug", bootloader=NN_092,
         kind="VLA_CALLEE", reason=25, mem="MIN", extra_exception_info=True, no_debug_sources=["log_msg.c"],
         proves="nice_nano-vla-callee's fault with log_msg.c built without debug information and "
                "CONFIG_EXTRA_EXCEPTION_INFO: every log function is unwound by prologue analysis, the alloca "
                "function's CFA from its frame pointer r7 (known from the dump), as gdb's Thumb prologue analyzer does."),
    dict(name="nice_nano-vla-macro", target="nice_nano/zmk_debug", bootloader=NN_092, kind="VLA_MACRO", reason=25,
         sources=["behavior_macro.c"], defines={"LAB_AFTER_TRIGGER": "lab_macro_trigger"},
         alloca={"function": "queue_macro", "provable": False},
         proves="A variable-length array sized at run time in a behavior (queue_macro resolves the macro's steps into "
                "`struct zmk_behavior_binding resolved[state.count]`), the fault in zmk_behavior_queue_add while the "
                "array is live: GCC's r7 frame pointer, sp saved in a register, moved by the computed size after the "
                "empty-macro branch and restored at the end of the array's scope. r7 is not in the dump."),
    dict(name="xiao-vla-macro-extra-info", target="xiao_ble/zmk_debug", bootloader=XIAO_080, kind="VLA_MACRO",
         reason=25, mem="MIN", extra_exception_info=True, sources=["behavior_macro.c"],
         defines={"LAB_AFTER_TRIGGER": "lab_macro_trigger"}, alloca={"function": "queue_macro", "provable": True},
         proves="nice_nano-vla-macro with CONFIG_EXTRA_EXCEPTION_INFO (MIN dump, XIAO layout): r7 is in the dump and "
                "the callee leaves it alone, so the VLA function's CFA and every caller are proved by the CFI."),
]


def all_scenarios():
    out = []
    for s in SCENARIOS:
        d = dict(DEFAULTS)
        d.update(s)
        out.append(d)
    return out
