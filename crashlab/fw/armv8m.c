/* Armv8-M Mainline (Cortex-M33) parts of the lab kernel, built only for the
 * M33 target (crashlab/lab.py adds this file there), so the Cortex-M4
 * builds stay as they were. */
#include "kernel.h"
#include "lab_config.h"

#define K_ERR_STACK_CHK_FAIL 2

/* Like Zephyr 4.1's configure_builtin_stack_guard() (arch/arm/core/cortex_m/thread.c), called by the context
 * switch for the incoming thread: the process stack may not go below the thread's stack start. */
void configure_builtin_stack_guard(struct k_thread *thread)
{
#ifdef LAB_BUILTIN_STACK_GUARD
	uint32_t guard_start = thread->stack_info.start;

	__asm__ volatile("msr psplim, %0" : : "r"(guard_start));
#else
	(void)thread;
#endif
}

/* The STKOF part of Zephyr 4.1's usage_fault() (arch/arm/core/cortex_m/fault.c): with CONFIG_BUILTIN_STACK_GUARD
 * a stack-limit violation is K_ERR_STACK_CHK_FAIL; the core could not stack the exception frame, so the
 * "faulting instruction" in the frame is not one. */
unsigned int lab_usage_fault_stkof(uint32_t cfsr, unsigned int reason)
{
	if (cfsr & (1u << 20)) {
		printk("E:   Stack overflow (context area not valid)\n");
#ifdef LAB_BUILTIN_STACK_GUARD
		reason = K_ERR_STACK_CHK_FAIL;
#else
		reason = 32;                          /* K_ERR_ARM_USAGE_STACK_OVERFLOW */
#endif
	}
	return reason;
}

#ifndef LAB_LAYER_SCRATCH
#define LAB_LAYER_SCRATCH 100
#endif

/* The stack-limit scenario's recursion (crashlab_trigger calls it in place of display_render_widget, LAB_RENDER):
 * a render recursion with a scratch buffer like that one, but two values stay live across the recursive call, so
 * the prologue pushes three registers (r4, r5, lr) and sp is 4 bytes off 8-byte alignment until the `sub sp` that
 * follows: the frame the core then fails to stack at PSPLIM covers 28 untouched bytes, as on a real build. */
NOINLINE int display_layer_render(int depth, uint32_t seed)
{
	volatile uint8_t scratch[LAB_LAYER_SCRATCH];
	uint32_t mixed = seed * 5u + (uint32_t)depth;

	for (int i = (int)sizeof(scratch) - 1; i >= 0; i--) {
		scratch[i] = (uint8_t)(mixed + (uint32_t)i);
	}
	if (depth > 0) {
		return LAB_LAYER_RECURSE_FN(depth - 1, seed * 3u + 1u) + scratch[depth % 8] + (int)mixed;
	}
	return scratch[0];
}

#ifdef LAB_STACK_LIMIT_TAILCALL
/* m33-stack-limit-tailcall: the recursion goes through display_layer_scale, which the render calls (bl) and which
 * jumps on (b.w) to the render again, directly or through display_layer_dim: every level's return address is saved
 * by the render's prologue after a call to display_layer_scale. Its wide path (never taken: the factor is 0) has a
 * frame larger than the render's, so at the limit both could have overflowed; and the two tail-call paths between
 * scale and render leave the tail-call path ambiguous at every level. Built at -O2 (sibling calls, and the wide
 * path's frame allocated after the test, shrink-wrapped), the rest at -Og. */
#define TAILCALLS __attribute__((noinline, optimize("O2")))
volatile uint32_t display_scale_factor;

NOINLINE uint32_t display_layer_blend(volatile uint8_t *px, uint32_t n)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < n; i++) {
		sum += px[i];
	}
	return sum;
}

TAILCALLS int display_layer_dim(int depth, uint32_t seed)
{
	display_scale_factor += 0;
	return display_layer_render(depth, seed ^ 2u);
}

TAILCALLS int display_layer_scale(int depth, uint32_t seed)
{
	if (display_scale_factor != 0) {
		volatile uint8_t wide[2 * LAB_LAYER_SCRATCH + 64];

		for (int i = 0; i < (int)sizeof(wide); i++) {
			wide[i] = (uint8_t)(seed + (uint32_t)i);
		}
		return (int)display_layer_blend(wide, sizeof(wide)) + depth;
	}
	if (seed & 1u) {
		return display_layer_render(depth, seed);
	}
	return display_layer_dim(depth, seed);
}
#endif

#ifdef LAB_STACK_LIMIT_INDIRECT
/* m33-stack-limit-indirect: the same recursion through display_layer_scale, which reaches the render through its
 * device's API table, as Zephyr's display API wrappers do (include/zephyr/drivers/display.h,
 * display_set_brightness(): api = dev->api; NULL check; return api->set_brightness(dev, ...)). At -O2 that is a jump
 * through a register (bx): GCC's call site has DW_AT_call_tail_call and no callee. The wide path (never taken) keeps
 * display_layer_scale's frame larger than the render's, so at the limit it could have overflowed as well, and what it
 * jumped to is not known: the stack-limit recovery must refuse, and say so. */
#define TAILCALLS __attribute__((noinline, optimize("O2")))
volatile uint32_t display_scale_factor;

struct display_layer_api {
	int (*render)(int depth, uint32_t seed);
};
struct display_layer_device {
	const struct display_layer_api *api;
};
static const struct display_layer_api display_layer_ops = {.render = display_layer_render};
const struct display_layer_device *volatile display_layer_dev = &(const struct display_layer_device){.api = &display_layer_ops};

NOINLINE uint32_t display_layer_blend(volatile uint8_t *px, uint32_t n)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < n; i++) {
		sum += px[i];
	}
	return sum;
}

TAILCALLS int display_layer_scale(int depth, uint32_t seed)
{
	const struct display_layer_api *api;

	if (display_scale_factor != 0) {
		volatile uint8_t wide[2 * LAB_LAYER_SCRATCH + 64];

		for (int i = 0; i < (int)sizeof(wide); i++) {
			wide[i] = (uint8_t)(seed + (uint32_t)i);
		}
		return (int)display_layer_blend(wide, sizeof(wide)) + depth;
	}
	api = display_layer_dev->api;
	if (api->render == NULL) {
		return -88;                           /* -ENOSYS */
	}
	return api->render(depth, seed);
}
#endif
