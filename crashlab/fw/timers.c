/* Kernel timers for the scenarios with LAB_TIMERS: Zephyr 4.1 kernel/timeout.c (sys_clock_announce), kernel/timer.c
 * (z_timer_expiration_handler, k_timer_init, k_timer_start) and drivers/timer/cortex_m_systick.c (sys_clock_isr
 * calls sys_clock_announce), reduced to a tick list. The lab kernel's own SysTick handler (kernel.c, built as
 * z_lab_tick_wake for these scenarios) still wakes the sleeping threads. */
#include <stddef.h>
#include "kernel.h"
#include "timers.h"

void z_lab_tick_wake(void);

static struct _timeout *timeout_list;
volatile uint32_t z_timer_expirations;

void z_timer_expiration_handler(struct _timeout *t)
{
	struct k_timer *timer = (struct k_timer *)((uint8_t *)t - offsetof(struct k_timer, timeout));

	timer->status += 1U;
	/* invoke timer expiry function (Zephyr checks for NULL too) */
	if (timer->expiry_fn != NULL) {
		timer->expiry_fn(timer);
	}
	z_timer_expirations++;
}

void k_timer_init(struct k_timer *timer, k_timer_expiry_t expiry_fn)
{
	timer->expiry_fn = expiry_fn;
	timer->status = 0U;
	timer->timeout.next = NULL;
	timer->user_data = NULL;
}

void k_timer_start(struct k_timer *timer, int32_t ticks)
{
	unsigned int key = irq_lock();

	timer->status = 0U;
	timer->timeout.dticks = ticks;
	timer->timeout.fn = z_timer_expiration_handler;
	timer->timeout.next = timeout_list;
	timeout_list = &timer->timeout;
	irq_unlock(key);
}

void sys_clock_announce(int32_t ticks)
{
	struct _timeout *t;

	for (struct _timeout *x = timeout_list; x != NULL; x = x->next) {
		x->dticks -= ticks;
	}
	/* expired timeouts leave the list first, then their handler runs */
	while ((t = timeout_list) != NULL && t->dticks <= 0) {
		timeout_list = t->next;
		t->next = NULL;
		t->fn(t);
	}
}

/* the SysTick vector */
void sys_clock_isr(void)
{
	z_lab_tick_wake();
	sys_clock_announce(1);
	z_timer_expirations += 0U;      /* keeps sys_clock_announce a call, not a tail call */
}
