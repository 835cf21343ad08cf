/* Crash scenarios of issue 10 (kinds 12-19) in a file of their own: crashlab_trigger() in app.c calls
 * LAB_AFTER_TRIGGER, which these scenarios set to lab_issue10_trigger. */
#include <stddef.h>
#include "kernel.h"
#include "lab_config.h"

extern uint32_t kscan_matrix_state[8];
extern volatile uint32_t kscan_scan_count;

#if SCENARIO_KIND == KIND_TIMER_NULLPTR || SCENARIO_KIND == KIND_TIMER_NULLPTR_GC
#include "timers.h"

/* hold-tap decision timer (a k_timer expiry function, run by z_timer_expiration_handler from sys_clock_announce in
 * the SysTick interrupt): the behavior's on_hold callback was never set */
struct hold_tap_data {
	void (*on_hold)(uint32_t position);
	uint32_t position;
};
static struct hold_tap_data hold_tap_active = {NULL, 17};
static struct k_timer hold_tap_timer;

NOINLINE static void hold_tap_timer_expired(struct k_timer *timer)
{
	struct hold_tap_data *d = timer->user_data;

	d->on_hold(d->position);                        /* on_hold is NULL: a call to address 0 */
	kscan_matrix_state[d->position & 7]++;
}

NOINLINE static void kscan_debounce_wait(void)
{
	while (*(volatile uint32_t *)&hold_tap_timer.status == 0) {
		kscan_scan_count++;                     /* the SysTick interrupt comes in here */
	}
}

void lab_issue10_trigger(void)
{
	k_timer_init(&hold_tap_timer, hold_tap_timer_expired);
	hold_tap_timer.user_data = &hold_tap_active;
	k_timer_start(&hold_tap_timer, 1);
	kscan_debounce_wait();
}
#endif

#if SCENARIO_KIND == KIND_TAILCALL_ENTRY || SCENARIO_KIND == KIND_TAILCALL_AMBIGUOUS
/* A thread whose entry function ends in tail calls: each function jumps (b.w) into the next, so only the faulting
 * function and z_thread_entry (which called the entry through a pointer) have frames. The functions are built at
 * -O2 (sibling calls; -Og makes none), whatever -O the scenario uses; the harness checks the jumps. */
#define TAILCALLS __attribute__((noinline, optimize("O2")))

struct keymap_event {
	uint32_t position;
	uint32_t *layer_state;                          /* poisoned: the load through it is a precise bus fault */
};

static struct keymap_event keymap_event_pending = {23, (uint32_t *)0x5a5a5a50u};
static struct k_thread keymap_event_thread_data;
K_THREAD_STACK_DEFINE(keymap_event_stack, 1024);

TAILCALLS void keymap_layer_apply(struct keymap_event *ev)
{
	kscan_matrix_state[ev->position & 7] = *ev->layer_state;   /* bus fault */
}

#if SCENARIO_KIND == KIND_TAILCALL_ENTRY
/* one path: keymap_event_thread -> (b.w) keymap_event_dispatch -> (b.w) keymap_layer_apply */
TAILCALLS void keymap_event_dispatch(struct keymap_event *ev)
{
	kscan_scan_count += ev->position;
	keymap_layer_apply(ev);
}

TAILCALLS void keymap_event_thread(void *p1, void *p2, void *p3)
{
	(void)p2;
	(void)p3;
	kscan_matrix_state[0]++;
	keymap_event_dispatch(p1);
}
#else
/* two paths into the faulting function: keymap_event_thread jumps to the press or the release handler, and each of
 * them jumps to keymap_layer_apply; this run takes the press path */
TAILCALLS void keymap_event_pressed(struct keymap_event *ev)
{
	kscan_scan_count += ev->position;
	keymap_layer_apply(ev);
}

TAILCALLS void keymap_event_released(struct keymap_event *ev)
{
	kscan_matrix_state[1] += ev->position;
	keymap_layer_apply(ev);
}

TAILCALLS void keymap_event_thread(void *p1, void *p2, void *p3)
{
	(void)p3;
	kscan_matrix_state[0]++;
	if (p2 != NULL) {
		keymap_event_pressed(p1);
	} else {
		keymap_event_released(p1);
	}
}
#endif

void lab_issue10_trigger(void)
{
	/* a higher-priority thread than kscan: it runs at the yield and faults on its first event */
	k_thread_create(&keymap_event_thread_data, keymap_event_stack, sizeof(keymap_event_stack), keymap_event_thread,
			&keymap_event_pending, (void *)1, NULL, 4, "keymap");
	k_yield();
}
#endif

#if SCENARIO_KIND == KIND_TIMER_NULLPTR_GC
/* Functions no one calls, as every real ZMK build has (drivers, behaviors, library code compiled in but not
 * referenced). Built with -ffunction-sections and linked with --gc-sections, they leave the image, while GNU ld
 * keeps their DWARF (this unit has code that stays) with DW_AT_low_pc 0 (high_pc a length), their .debug_aranges
 * entries, line sequences and .debug_frame FDEs at 0. The always-inline helpers make an inlined-subroutine tree at
 * 0: the frames gdb invents for a call to address 0 when an allocated section lives there. */

volatile uint32_t lab_discarded_sink;

static inline __attribute__((always_inline)) uint32_t lab_discarded_mix(uint32_t a, uint32_t b)
{
	return (a << 5) ^ (b >> 3) ^ 0x9e3779b9u;
}

static inline __attribute__((always_inline)) void lab_discarded_store(uint32_t v)
{
	lab_discarded_sink = lab_discarded_mix(v, lab_discarded_sink);
}

/* like a behavior's on_hold that no keymap uses: never referenced, so --gc-sections discards it */
void behavior_unused_on_hold(uint32_t position)
{
	lab_discarded_store(position);
	lab_discarded_store(position + 1);
}

void kscan_unused_debounce(uint32_t rows)
{
	for (uint32_t i = 0; i < rows; i++) {
		lab_discarded_store(lab_discarded_mix(i, rows));
	}
}
#endif

#if SCENARIO_KIND == KIND_TAILCALL_INDIRECT
/* The thread of the tail-call scenarios above (kinds 13-14; a copy, so that their code keeps its lines), whose entry
 * function jumps on through a pointer. */
#define TAILCALLS __attribute__((noinline, optimize("O2")))

struct keymap_event {
	uint32_t position;
	uint32_t *layer_state;                          /* poisoned: the load through it is a precise bus fault */
};

static struct keymap_event keymap_event_pending = {23, (uint32_t *)0x5a5a5a50u};
static struct k_thread keymap_event_thread_data;
K_THREAD_STACK_DEFINE(keymap_event_stack, 1024);

TAILCALLS void keymap_layer_apply(struct keymap_event *ev)
{
	kscan_matrix_state[ev->position & 7] = *ev->layer_state;   /* bus fault */
}

/* one direct tail-call path and one through a pointer: keymap_event_thread jumps (b.w) to keymap_event_dispatch, or
 * through the handler table (bx) to keymap_event_released; both jump to keymap_layer_apply. This run takes the
 * pointer: the only path the DWARF call sites name (through keymap_event_dispatch) was not taken. */
typedef void (*keymap_handler_t)(struct keymap_event *ev);

TAILCALLS void keymap_event_dispatch(struct keymap_event *ev)
{
	kscan_scan_count += ev->position;
	keymap_layer_apply(ev);
}

TAILCALLS void keymap_event_released(struct keymap_event *ev)
{
	kscan_matrix_state[1] += ev->position;
	keymap_layer_apply(ev);
}

static keymap_handler_t volatile keymap_event_handlers[2] = {keymap_event_released, keymap_event_released};

TAILCALLS void keymap_event_thread(void *p1, void *p2, void *p3)
{
	kscan_matrix_state[0]++;
	if (p2 == NULL) {
		keymap_event_dispatch(p1);
	} else {
		keymap_event_handlers[(uint32_t)p3 & 1](p1);
	}
}

void lab_issue10_trigger(void)
{
	k_thread_create(&keymap_event_thread_data, keymap_event_stack, sizeof(keymap_event_stack), keymap_event_thread,
			&keymap_event_pending, (void *)1, NULL, 4, "keymap");
	k_yield();
}
#endif
