/* Kind 82: a variable-length array sized at run time, in a ZMK-like behavior (lab-made on the shape of ZMK's
 * app/src/behaviors/behavior_macro.c queue_macro(), which copies each binding, replaces its parameters from the macro's
 * binding and calls zmk_behavior_queue_add() of app/src/behavior_queue.c). Here the helper first resolves every step of
 * the macro into a per-event buffer, `struct zmk_behavior_binding resolved[state.count]`, then queues them: GCC gives it
 * an r7 frame pointer, saves sp in a register, moves sp by the computed size after the empty-macro check's branch and
 * restores it when the array goes out of scope. zmk_behavior_queue_add() looks the behavior up by its device name, which
 * for one step is a stale pointer: a bus fault in the callee while the array is live. Built at the scenario's -O. */
#include <stddef.h>
#include "kernel.h"
#include "lab_config.h"

#if SCENARIO_KIND == KIND_VLA_MACRO
extern uint32_t kscan_matrix_state[8];
extern volatile uint32_t kscan_scan_count;

struct zmk_behavior_binding {
	const char *behavior_dev;
	uint32_t param1;
	uint32_t param2;
};

struct zmk_behavior_binding_event {
	int layer;
	uint32_t position;
	int64_t timestamp;
};

struct behavior_macro_trigger_state {
	uint32_t start_index;
	uint32_t count;
	uint32_t wait_ms;
	uint32_t tap_ms;
};

#define MACRO_PARAM1 0x100u

static const struct zmk_behavior_binding macro_bindings[6] = {
	{"key_press", 0x04, 0}, {"key_press", MACRO_PARAM1, 0}, {"key_press", 0x06, 0},
	{(const char *)0x5a5a5a50u, 0x07, 0},           /* a binding whose behavior was removed: stale name */
	{"key_press", 0x08, 0}, {"key_press", 0x09, 0},
};
static uint32_t behavior_queue_len;

/* behavior_queue.c zmk_behavior_queue_add(): the lab checks the behavior's name (zmk_behavior_get_binding compares
 * device names) before it queues the step */
NOINLINE int zmk_behavior_queue_add(const struct zmk_behavior_binding_event *event, const struct zmk_behavior_binding *binding,
				    int press, uint32_t wait)
{
	uint32_t hash = 0;

	for (const char *c = binding->behavior_dev; *c != '\0'; c++) {   /* bus fault for the stale name */
		hash = hash * 31u + (uint8_t)*c;
	}
	kscan_matrix_state[(event->position + behavior_queue_len++) & 7] += hash + binding->param1 + (uint32_t)press + wait;
	return 0;
}

/* behavior_macro.c queue_macro(), with the steps resolved into a per-event buffer first */
NOINLINE void queue_macro(struct zmk_behavior_binding_event *event, const struct zmk_behavior_binding bindings[],
			  struct behavior_macro_trigger_state state, const struct zmk_behavior_binding *macro_binding)
{
	if (state.count == 0) {
		return;
	}
	struct zmk_behavior_binding resolved[state.count];

	for (uint32_t i = 0; i < state.count; i++) {
		resolved[i] = bindings[state.start_index + i];
		if (resolved[i].param1 == MACRO_PARAM1) {
			resolved[i].param1 = macro_binding->param1;
		}
	}
	for (uint32_t i = 0; i < state.count; i++) {
		zmk_behavior_queue_add(event, &resolved[i], 1, state.tap_ms);
		zmk_behavior_queue_add(event, &resolved[i], 0, state.wait_ms);
	}
}

void lab_macro_trigger(void)
{
	struct zmk_behavior_binding_event event = {.layer = 1, .position = 17, .timestamp = kscan_scan_count};
	struct zmk_behavior_binding macro = {"macro_copy", 0x2a, 0};
	struct behavior_macro_trigger_state state = {.start_index = 0, .count = 4 + (kscan_scan_count & 1), .wait_ms = 15,
						     .tap_ms = 30};

	queue_macro(&event, macro_bindings, state, &macro);
}
#endif
