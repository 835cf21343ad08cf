/* The few CMSIS-Core intrinsics that Zephyr 4.1's arch_cpu_idle() uses (CMSIS 5 names them this way in cmsis_gcc.h
 * and forces them inline, so a debugger shows them as inlined frames). Written for the lab. */
#ifndef CRASHLAB_CMSIS_GCC_H
#define CRASHLAB_CMSIS_GCC_H

#include <stdint.h>

#define __STATIC_FORCEINLINE __attribute__((always_inline)) static inline

__STATIC_FORCEINLINE void __enable_irq(void)
{
	__asm__ volatile("cpsie i" : : : "memory");
}

__STATIC_FORCEINLINE void __disable_irq(void)
{
	__asm__ volatile("cpsid i" : : : "memory");
}

__STATIC_FORCEINLINE void __set_BASEPRI(uint32_t basePri)
{
	__asm__ volatile("msr basepri, %0" : : "r"(basePri) : "memory");
}

__STATIC_FORCEINLINE void __ISB(void)
{
	__asm__ volatile("isb 0xF" : : : "memory");
}

__STATIC_FORCEINLINE void __DSB(void)
{
	__asm__ volatile("dsb 0xF" : : : "memory");
}

__STATIC_FORCEINLINE uint32_t __get_IPSR(void)
{
	uint32_t result;

	__asm__ volatile("mrs %0, ipsr" : "=r"(result));
	return result;
}

#define __WFI() __asm__ volatile("wfi" : : : "memory")

#endif
