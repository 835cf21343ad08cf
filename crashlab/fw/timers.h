/* Kernel timeouts and timers for the scenarios with LAB_TIMERS, shaped like Zephyr 4.1's struct _timeout
 * (include/zephyr/sys_clock.h) and struct k_timer (include/zephyr/kernel.h). */
#ifndef CRASHLAB_TIMERS_H
#define CRASHLAB_TIMERS_H
#include <stdint.h>

struct _timeout;
typedef void (*_timeout_func_t)(struct _timeout *t);
struct _timeout {
	struct _timeout *next;
	int32_t dticks;
	_timeout_func_t fn;
};

struct k_timer;
typedef void (*k_timer_expiry_t)(struct k_timer *timer);
struct k_timer {
	struct _timeout timeout;
	k_timer_expiry_t expiry_fn;
	uint32_t status;
	void *user_data;
};

void k_timer_init(struct k_timer *timer, k_timer_expiry_t expiry_fn);
void k_timer_start(struct k_timer *timer, int32_t ticks);
void sys_clock_announce(int32_t ticks);
void z_timer_expiration_handler(struct _timeout *t);

#endif
