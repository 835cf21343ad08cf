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
