/* A small Zephyr-like kernel for the crash lab: shapes loosely follow
 * Zephyr's struct k_thread / struct z_kernel so that debug-thread-info
 * consumers (coredump 'T' block, gdb stub thread walking) have real data. */
#ifndef CRASHLAB_KERNEL_H
#define CRASHLAB_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include "offsets.h"

#define THREAD_NAME_LEN 16

/* Zephyr thread state bits (kernel_structs.h) */
#define _THREAD_DUMMY     0x01
#define _THREAD_PENDING   0x02
#define _THREAD_PRESTART  0x04
#define _THREAD_DEAD      0x08
#define _THREAD_SUSPENDED 0x10
#define _THREAD_SLEEPING  0x40   /* lab: sleeping with a timeout */
#define _THREAD_QUEUED    0x80

typedef void (*k_thread_entry_t)(void *p1, void *p2, void *p3);
#ifndef LAB_ZMK_BUILD
struct _thread_base {                 /* 24 bytes */
	void *qnode_next;
	void *qnode_prev;
	void *pended_on;
	uint8_t user_options;
	uint8_t thread_state;
	int8_t prio;
	uint8_t sched_locked;
	uint32_t wake_tick;               /* lab's timeout */
	void *swap_data;
};

struct _callee_saved {                /* 36 bytes */
	uint32_t v1, v2, v3, v4, v5, v6, v7, v8;   /* r4..r11 */
	uint32_t psp;
};

struct __thread_entry {
	k_thread_entry_t pEntry;
	void *parameter1;
	void *parameter2;
	void *parameter3;
};

struct _thread_stack_info {
	uintptr_t start;
	size_t size;
	size_t delta;
};

struct _thread_arch {
	uint32_t basepri;
	uint32_t swap_return_value;
	uint8_t mode_exc_return;          /* low byte of EXC_RETURN */
	uint8_t mode;
	uint8_t pad[2];
	uint32_t preempt_float[16];       /* s16..s31 */
};

struct k_thread {
	struct _thread_base base;         /* 0 */
	uint32_t pad0[2];                 /* 24 */
	struct _callee_saved callee_saved;/* 32 */
	void *init_data;                  /* 68 */
	struct __thread_entry entry;      /* 72 */
	struct k_thread *next_thread;     /* 88 */
	char name[THREAD_NAME_LEN];       /* 92 */
	struct _thread_stack_info stack_info; /* 108 */
	struct _thread_arch arch;         /* 120 */
};

struct _cpu {
	uint32_t nested;
	char *irq_stack;
	struct k_thread *current;
	struct k_thread *idle_thread;
};

struct z_kernel {
	struct _cpu cpus[1];
	struct k_thread *ready_q_cache;
	uint32_t ticks;
	struct k_thread *threads;
	uint32_t pad;
};
#endif
extern struct z_kernel _kernel;
#define _current (_kernel.cpus[0].current)
struct k_thread;
struct k_sem {
	uint32_t count;
	uint32_t limit;
};

void k_thread_create(struct k_thread *t, void *stack, size_t stack_size,
		     k_thread_entry_t entry, void *p1, void *p2, void *p3,
		     int prio, const char *name);
void k_sem_init(struct k_sem *s, uint32_t initial, uint32_t limit);
int k_sem_take_forever(struct k_sem *s);
void k_sem_give(struct k_sem *s);
void k_sleep_ticks(uint32_t ticks);
void k_yield(void);
unsigned int irq_lock(void);
void irq_unlock(unsigned int key);
void z_cstart(void) __attribute__((noreturn));
void z_thread_entry(k_thread_entry_t entry, void *p1, void *p2, void *p3) __attribute__((noreturn));
void sys_clock_isr(void);

/* asm.S */
void arch_cpu_idle(void);
void z_arm_pendsv(void);
void _isr_wrapper(void);
void z_arm_svc(void);
void z_arm_hard_fault(void);
void z_arm_mpu_fault(void);
void z_arm_bus_fault(void);
void z_arm_usage_fault(void);
void z_arm_debug_monitor(void);
void z_arm_exc_spurious(void);
void crashlab_odd_stack_call(void (*fn)(uint32_t), uint32_t arg);

struct _isr_table_entry {
	const void *arg;
	void (*isr)(const void *);
};
#define CRASHLAB_NUM_IRQS 48
extern struct _isr_table_entry _sw_isr_table[CRASHLAB_NUM_IRQS];

/* console */
void printk(const char *fmt, ...);

/* Zephyr-like stack macros: stacks live in .noinit like K_THREAD_STACK_DEFINE */
#define K_THREAD_STACK_DEFINE(sym, size) \
	uint8_t __attribute__((section(".noinit.stacks." #sym), aligned(32))) sym[size]

#define ARCH_EXCEPT(reason) do { \
	register uint32_t r0 __asm__("r0") = (reason); \
	__asm__ volatile("svc #2" : : "r"(r0) : "memory"); \
	__builtin_unreachable(); \
} while (0)
#define k_oops()  ARCH_EXCEPT(3)
#define k_panic() ARCH_EXCEPT(4)

#define SCB_ICSR   (*(volatile uint32_t *)0xE000ED04)
#define SCB_VTOR   (*(volatile uint32_t *)0xE000ED08)
#define SCB_CCR    (*(volatile uint32_t *)0xE000ED14)
#define SCB_SHPR2  (*(volatile uint32_t *)0xE000ED1C)
#define SCB_SHPR3  (*(volatile uint32_t *)0xE000ED20)
#define SCB_SHCSR  (*(volatile uint32_t *)0xE000ED24)
#define SCB_CFSR   (*(volatile uint32_t *)0xE000ED28)
#define SCB_HFSR   (*(volatile uint32_t *)0xE000ED2C)
#define SCB_MMFAR  (*(volatile uint32_t *)0xE000ED34)
#define SCB_BFAR   (*(volatile uint32_t *)0xE000ED38)
#define SCB_CPACR  (*(volatile uint32_t *)0xE000ED88)
#define FPU_FPCCR  (*(volatile uint32_t *)0xE000EF34)
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100)
#define NVIC_ISPR0 (*(volatile uint32_t *)0xE000E200)
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400 + (n)))
#define SYST_CSR   (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR   (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR   (*(volatile uint32_t *)0xE000E018)
#define MPU_CTRL   (*(volatile uint32_t *)0xE000ED94)
#define MPU_RNR    (*(volatile uint32_t *)0xE000ED98)
#define MPU_RBAR   (*(volatile uint32_t *)0xE000ED9C)
#define MPU_RASR   (*(volatile uint32_t *)0xE000EDA0)

/* Build variants of the lab (all default to the Cortex-M4 lab's behaviour; crashlab/lab.py passes -D flags).
 * Kept at the end of this header so that the line numbers, and so the DWARF, of the M4 builds do not change. */
#ifndef LAB_UART0_BASE
#define LAB_UART0_BASE 0x40004000            /* CMSDK UART0 of mps2-an386; the M33 lab passes mps2-an521's */
#endif
#ifndef LAB_INIT_STACKS
#define LAB_INIT_STACKS 1                     /* CONFIG_INIT_STACKS: fill thread stacks with 0xAA */
#endif
#ifndef LAB_FPU_SHARING
#define LAB_FPU_SHARING 1                     /* CONFIG_FPU && CONFIG_FPU_SHARING */
#endif
#ifdef LAB_ARMV8M_MAINLINE
/* Zephyr 4.1 z_arm_set_fault_sp (arch/arm/include/cortex_m/exception.h): no xPSR bit 9 adjustment on Armv8-M Mainline */
#define LAB_STKALIGN_ONE 0u   /* (LAB_STKALIGN_ONE << 9): xPSR bit 9 is not looked at */
unsigned int lab_usage_fault_stkof(uint32_t cfsr, unsigned int reason);
#define LAB_USAGE_FAULT_MORE(cfsr, reason) lab_usage_fault_stkof(cfsr, reason)
#else
#define LAB_STKALIGN_ONE 1u
#define LAB_USAGE_FAULT_MORE(cfsr, reason) (reason)
#endif
#ifdef LAB_ARMV8M_MAINLINE
/* Zephyr 4.1's z_arm_fault() (arch/arm/core/cortex_m/fault.c) reports a copy of the exception frame (esf_copy, a
 * local on the main stack), so the dump's registers also sit in the interrupt stack, above the real frame. The
 * Armv8-M lab does the same; the M4 lab passes the stacked frame itself. */
#define LAB_ESF_COPY(esf) ((const struct arch_esf *)__builtin_memcpy(&(struct arch_esf){0}, (esf), sizeof(struct arch_esf)))
#else
#define LAB_ESF_COPY(esf) (esf)
#endif
#ifdef LAB_BUILTIN_STACK_GUARD
int display_layer_render(int depth, uint32_t seed);   /* armv8m.c */
#define LAB_RENDER display_layer_render
#else
#define LAB_RENDER display_render_widget
#endif
#ifdef LAB_BUILTIN_STACK_GUARD
#define LAB_CCR_EXTRA (1u << 10)              /* CCR.STKOFHFNMIGN, as z_arm_fault_init() sets it */
#else
#define LAB_CCR_EXTRA 0u
#endif
#ifdef LAB_ZMK_BUILD
#include "kernel_zmk.h"
#endif

#endif
