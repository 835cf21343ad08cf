/* Crash scenarios of issue 10 (kinds 12-19) in a file of their own: crashlab_trigger() in app.c calls
 * LAB_AFTER_TRIGGER, which these scenarios set to lab_issue10_trigger. */
#include <stddef.h>
#include "kernel.h"
#include "lab_config.h"

extern uint32_t kscan_matrix_state[8];
extern volatile uint32_t kscan_scan_count;

#if SCENARIO_KIND == KIND_TIMER_NULLPTR
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
