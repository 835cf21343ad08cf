/* Build-time scenario configuration; crashlab/lab.py passes -D flags. */
#ifndef CRASHLAB_CONFIG_H
#define CRASHLAB_CONFIG_H

#define MEM_LINKER_RAM 0
#define MEM_MIN        1
#define MEM_THREADS    2

#define KIND_NONE          0
#define KIND_BUSFAULT      1
#define KIND_IRQ           2
#define KIND_IRQ_NESTED    3
#define KIND_FPU           4
#define KIND_NULLPTR       5
#define KIND_STACK_OVERFLOW 6
#define KIND_OOPS          7
#define KIND_ASSERT        8
#define KIND_DIV0          9
#define KIND_UNALIGNED     10
#define KIND_UNDEF         11
#define KIND_TIMER_NULLPTR 12   /* NULL call in a timer expiry function, from the SysTick interrupt */
#define KIND_TAILCALL_ENTRY 13  /* a thread entry that tail-calls (erased frame, evidence unambiguous) */
#define KIND_TAILCALL_AMBIGUOUS 14 /* two tail-call paths into the faulting function: no guess */
#define KIND_VALUES        40   /* values: typed arguments and locals, one of them past the dump's cut */
#define KIND_BONDS         50   /* bus fault with two bonds in key_pool and the settings partition */
#define KIND_BONDS_NO_TYPES 51  /* the same, bt_keys.c built without DWARF (no struct bt_keys type) */
/* New kinds take a number from a range of their own (and the same number in KINDS in lab.py):
 * 12-19 gap fill / NULL calls / tail calls, 20-29 Cortex-M33, 30-39 threads without a thread list,
 * 40-49 values, 50-59 Bluetooth keys and settings, 60-69 triage build variants, 70-79 doctor, 80-89 alloca/VLA frames. */

#ifndef SCENARIO_KIND
#define SCENARIO_KIND KIND_BUSFAULT
#endif
#ifndef PART_ADDR
#define PART_ADDR 0x71000
#endif
/* bond scenarios: the Zephyr settings partition (ZMK's storage_partition on nice_nano and XIAO) */
#define LAB_BONDS (SCENARIO_KIND == KIND_BONDS || SCENARIO_KIND == KIND_BONDS_NO_TYPES)
#if LAB_BONDS                /* fw/bt_keys.c: load the bonds from the settings partition at boot */
int bt_settings_load(void);
#define LAB_BONDS_LOAD bt_settings_load();
#else
#define LAB_BONDS_LOAD             /* nothing: the other scenarios build byte-identical */
#endif
#ifndef SETTINGS_ADDR
#define SETTINGS_ADDR 0xEC000
#endif
#ifndef SETTINGS_SIZE
#define SETTINGS_SIZE 0x8000
#endif
#ifndef CD_HDR_VER
#define CD_HDR_VER 2
#endif
#ifndef CD_CHUNK
#define CD_CHUNK 64
#endif
#ifndef CD_SP_41
#define CD_SP_41 1
#endif
#ifndef CD_MEM_MODE
#define CD_MEM_MODE MEM_LINKER_RAM
#endif
#ifndef CD_THREADS_META
#define CD_THREADS_META (CD_MEM_MODE == MEM_THREADS)
#endif
#ifndef CD_FSR_REGION
#define CD_FSR_REGION 0
#endif
#ifndef CD_EXTRA_EXC_INFO
#define CD_EXTRA_EXC_INFO 0
#endif
#ifndef CD_END_MODE          /* 0 normal, 1 header never written, 2 data bit flipped */
#define CD_END_MODE 0
#endif
#ifndef LAB_ESCALATE         /* 1: leave Bus/Usage/MemManage disabled -> HardFault */
#define LAB_ESCALATE 0
#endif

#if CD_HDR_VER < 2 && CD_THREADS_META
#error "the 'T' block needs header version 2"
#endif

/* The values scenario hooks into kscan_thread without moving any other scenario's code or lines. */
#if SCENARIO_KIND == KIND_VALUES
#include <stdbool.h>
void crashlab_values_check(uint32_t row);
#define CRASHLAB_VALUES_HOOK(row) , crashlab_values_check(row)
#else
#define CRASHLAB_VALUES_HOOK(row)
#endif

#ifdef LAB_ALLOW_INLINE
#define NOINLINE
#else
#define NOINLINE __attribute__((noinline))
#endif

/* What crashlab_trigger() calls after its own cases: the no-crash stop, or the trigger of a scenario whose code
 * lives in a file of its own (-DLAB_AFTER_TRIGGER=name), so that adding it leaves app.c's lines where they are. */
#ifndef LAB_AFTER_TRIGGER
#define LAB_AFTER_TRIGGER crashlab_steady_state
#else
void LAB_AFTER_TRIGGER(void);
#endif
/* at the end, so that no line above it moves (DWARF line numbers of other kinds' builds) */
#define KIND_BUSFAULT_OTHER_SHIELD 60 /* KIND_BUSFAULT's bug, built with fw/shield.c: every address moves */
/* kinds 30-39, at the end so that no other line moves (a declaration above is in the DWARF of the bond builds) */
#define KIND_IDLE_IRQ      30   /* an interrupt faults while the idle thread sleeps in arch_cpu_idle (LAB_ZMK_BUILD) */
#define KIND_TIMER_NULLPTR_GC 15 /* the same NULL call, the build also carries DWARF of discarded functions at 0 */
#define KIND_TAILCALL_INDIRECT 16 /* a tail call through a pointer beside a direct one: the path is not known */

/* m33-stack-limit-tailcall (fw/armv8m.c, at its end): the render recursion goes through display_layer_scale (a name
 * as long as display_layer_render, so that the other builds keep their line-table columns) */
#if defined(LAB_STACK_LIMIT_TAILCALL) || defined(LAB_STACK_LIMIT_INDIRECT)
#include <stdint.h>
int display_layer_scale(int depth, uint32_t seed);
#define LAB_LAYER_RECURSE_FN display_layer_scale
#else
#define LAB_LAYER_RECURSE_FN display_layer_render
#endif

/* kinds 80-89 (fw/log_msg.c): a function whose sp moves after its prologue by a run-time amount (alloca/VLA: GCC's
 * r7 frame pointer), on the stack at the fault */
#define KIND_VLA_CALLEE    80   /* the fault in a callee of the alloca function */
#define KIND_VLA_SELF      81   /* the fault in the alloca function itself, after sp moved */
#define KIND_VLA_MACRO     82   /* a variable-length array in a behavior, the fault in a callee while it is live */

#endif
