/* Crash lab kernel: threads, priority scheduler, semaphores, sleeping,
 * PendSV switching, debug thread info. Written for the lab; shapes follow
 * Zephyr so thread-aware tools see familiar data. */
#include <string.h>
#include "kernel.h"

_Static_assert(offsetof(struct k_thread, callee_saved) == OFF_THREAD_CALLEE, "callee");
_Static_assert(offsetof(struct k_thread, arch) == OFF_THREAD_ARCH, "arch");
_Static_assert(offsetof(struct _thread_arch, mode_exc_return) == OFF_ARCH_EXC_RETURN, "exc_return");
_Static_assert(offsetof(struct _thread_arch, preempt_float) == OFF_ARCH_PREEMPT_FLOAT, "float");
_Static_assert(offsetof(struct z_kernel, cpus[0].current) == OFF_KERNEL_CURRENT, "current");

struct z_kernel _kernel;
#ifndef LAB_ZMK_BUILD
/* CONFIG_DEBUG_THREAD_INFO: array of size_t, [0] = version 1. */
#define UNIMPL ((size_t)0xffffffffU)
const size_t __attribute__((used, section(".dbg_thread_info"))) _kernel_thread_info_offsets[] = {
	1,                                              /* VERSION */
	offsetof(struct z_kernel, cpus[0].current),     /* K_CURR_THREAD */
	offsetof(struct z_kernel, threads),             /* K_THREADS */
	offsetof(struct k_thread, entry),               /* T_ENTRY */
	offsetof(struct k_thread, next_thread),         /* T_NEXT_THREAD */
	offsetof(struct _thread_base, thread_state),    /* T_STATE */
	offsetof(struct _thread_base, user_options),    /* T_USER_OPTIONS */
	offsetof(struct _thread_base, prio),            /* T_PRIO */
	offsetof(struct k_thread, callee_saved.psp),    /* T_STACK_PTR */
	offsetof(struct k_thread, name),                /* T_NAME */
	offsetof(struct k_thread, arch),                /* T_ARCH */
	offsetof(struct _thread_arch, preempt_float),   /* T_PREEMPT_FLOAT */
	UNIMPL,                                         /* T_COOP_FLOAT */
	offsetof(struct _thread_arch, mode_exc_return), /* T_ARM_EXC_RETURN */
	UNIMPL,                                         /* T_ARC_RELINQUISH_CAUSE */
};
const size_t __attribute__((used, section(".dbg_thread_info"))) _kernel_thread_info_num_offsets =
	sizeof(_kernel_thread_info_offsets) / sizeof(_kernel_thread_info_offsets[0]);
const size_t __attribute__((used, section(".dbg_thread_info"))) _kernel_thread_info_size_t_size = sizeof(size_t);

/* the boot context before the first switch, like Zephyr's dummy thread */
static struct k_thread z_dummy_thread;
#endif
unsigned int irq_lock(void)
{
	unsigned int key;
	__asm__ volatile("mrs %0, primask; cpsid i" : "=r"(key) : : "memory");
	return key;
}

void irq_unlock(unsigned int key)
{
	if (key == 0) {
		__asm__ volatile("cpsie i; isb" : : : "memory");
	}
}

void z_thread_entry(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	entry(p1, p2, p3);
	/* threads in the lab never return; stop here if one does */
	for (;;) {
		k_sleep_ticks(0x7fffffff);
	}
}
#ifndef LAB_ZMK_BUILD
void k_thread_create(struct k_thread *t, void *stack, size_t stack_size,
		     k_thread_entry_t entry, void *p1, void *p2, void *p3,
		     int prio, const char *name)
{
	uint32_t *frame;

	memset(t, 0, sizeof(*t));
	memset(stack, 0xAA, stack_size * LAB_INIT_STACKS);         /* CONFIG_INIT_STACKS */
	t->base.prio = (int8_t)prio;
	t->base.thread_state = _THREAD_QUEUED;
	t->stack_info.start = (uintptr_t)stack;
	t->stack_info.size = stack_size;
	t->entry.pEntry = entry;
	t->entry.parameter1 = p1;
	t->entry.parameter2 = p2;
	t->entry.parameter3 = p3;
	strncpy(t->name, name, sizeof(t->name) - 1);
	t->arch.mode_exc_return = 0xFD;                 /* thread mode, PSP, basic frame */

	/* initial exception frame: returns into z_thread_entry(entry, p1, p2, p3) */
	frame = (uint32_t *)(((uintptr_t)stack + stack_size) & ~7u) - 8;
	frame[0] = (uint32_t)entry;
	frame[1] = (uint32_t)p1;
	frame[2] = (uint32_t)p2;
	frame[3] = (uint32_t)p3;
	frame[4] = 0;                                   /* r12 */
	frame[5] = 0;                                   /* lr: nothing to return to */
	frame[6] = (uint32_t)z_thread_entry & ~1u;      /* pc */
	frame[7] = 0x01000000;                          /* xpsr: Thumb */
	t->callee_saved.psp = (uint32_t)frame;

	/* append to the thread list (THREAD_MONITOR) */
	t->next_thread = _kernel.threads;
	_kernel.threads = t;
}

static struct k_thread *next_ready(void)
{
	struct k_thread *best = NULL;

	for (struct k_thread *t = _kernel.threads; t != NULL; t = t->next_thread) {
		if ((t->base.thread_state & _THREAD_QUEUED) &&
		    (best == NULL || t->base.prio < best->base.prio)) {
			best = t;
		}
	}
	return best;
}
#endif
/* called from z_arm_pendsv with interrupts locked */
struct k_thread *z_get_next_switch_handle(void)
{
	struct k_thread *next = next_ready();

	_kernel.ready_q_cache = next;
	_current = next;
	return next;
}

static void arch_swap(unsigned int key)
{
	_current->arch.basepri = key;
	SCB_ICSR = 1u << 28;                            /* PENDSVSET */
	irq_unlock(0);                                  /* PendSV is taken here */
}

static void reschedule(unsigned int key)
{
	if (next_ready() != _current) {
		arch_swap(key);
	} else {
		irq_unlock(key);
	}
}

void k_sem_init(struct k_sem *s, uint32_t initial, uint32_t limit)
{
	s->count = initial;
	s->limit = limit;
}

int k_sem_take_forever(struct k_sem *s)
{
	unsigned int key = irq_lock();

	while (s->count == 0) {
		_current->base.pended_on = s;
		_current->base.thread_state = _THREAD_PENDING;
		arch_swap(key);
		key = irq_lock();
	}
	s->count--;
	irq_unlock(key);
	return 0;
}
#ifndef LAB_ZMK_BUILD
void k_sem_give(struct k_sem *s)
{
	unsigned int key = irq_lock();
	struct k_thread *best = NULL;

	for (struct k_thread *t = _kernel.threads; t != NULL; t = t->next_thread) {
		if (t->base.pended_on == s && (best == NULL || t->base.prio < best->base.prio)) {
			best = t;
		}
	}
	if (s->count < s->limit) {
		s->count++;
	}
	if (best != NULL) {
		best->base.pended_on = NULL;
		best->base.thread_state = _THREAD_QUEUED;
	}
	if (_kernel.cpus[0].nested != 0) {
		if (best != NULL) {
			SCB_ICSR = 1u << 28;
		}
		irq_unlock(key);
	} else {
		reschedule(key);
	}
}
#endif
void k_sleep_ticks(uint32_t ticks)
{
	unsigned int key = irq_lock();

	_current->base.wake_tick = _kernel.ticks + ticks;
	_current->base.thread_state = _THREAD_SLEEPING;
	arch_swap(key);
}

void k_yield(void)
{
	unsigned int key = irq_lock();

	arch_swap(key);
}
#ifndef LAB_ZMK_BUILD
/* SysTick: the system clock. Wakes sleeping threads. */
void sys_clock_isr(void)
{
	int woke = 0;

	_kernel.ticks++;
	for (struct k_thread *t = _kernel.threads; t != NULL; t = t->next_thread) {
		if ((t->base.thread_state & _THREAD_SLEEPING) &&
		    (int32_t)(_kernel.ticks - t->base.wake_tick) >= 0) {
			t->base.thread_state = _THREAD_QUEUED;
			woke = 1;
		}
	}
	if (woke) {
		SCB_ICSR = 1u << 28;
	}
}
#endif
extern uint8_t z_interrupt_stacks[];
extern void crashlab_app_init(void);

void z_cstart(void)
{
	_kernel.cpus[0].irq_stack = (char *)z_interrupt_stacks + 2048;
	_kernel.cpus[0].current = &z_dummy_thread;
	z_dummy_thread.base.thread_state = _THREAD_DUMMY;
	z_dummy_thread.arch.mode_exc_return = 0xFD;

	crashlab_app_init();                            /* creates the threads */

	SCB_SHPR3 = (0xFFu << 16) | (0x80u << 24);      /* PendSV lowest, SysTick 0x80 */
	SCB_SHPR2 = 0x00u << 24;                        /* SVCall highest */
	SYST_RVR = 10000 - 1;
	SYST_CVR = 0;
	SYST_CSR = 7;                                   /* cpu clock, interrupt, enable */

	/* first switch: PendSV saves the boot context into the dummy thread */
	SCB_ICSR = 1u << 28;
	__asm__ volatile("cpsie i; isb" : : : "memory");
	for (;;) {
	}
}

#ifdef LAB_ZMK_BUILD
/* ---------------- the kernel of a ZMK-like build (kernel_zmk.h) ----------------
 * No thread list (CONFIG_THREAD_MONITOR=n), no names, no thread-info table. The lab's scheduler still needs to find
 * every thread; Zephyr finds them in its ready queue, wait queues and timeout list. lab_threads stands for those:
 * an array of pointers, which a tool looking for thread objects by type does not see. */
#include "cmsis_gcc.h"

struct k_thread _thread_dummy;
struct k_thread *lab_threads[8];
unsigned int lab_thread_count;

/* Zephyr 4.1 arch/arm/core/cortex_m/thread.c arch_new_thread(): the initial frame returns into z_thread_entry */
void k_thread_create(struct k_thread *t, void *stack, size_t stack_size,
		     k_thread_entry_t entry, void *p1, void *p2, void *p3,
		     int prio, const char *name)
{
	uint32_t *frame;

	(void)name;                                     /* CONFIG_THREAD_NAME=n */
	memset(t, 0, sizeof(*t));
	memset(stack, 0xAA, stack_size * LAB_INIT_STACKS);         /* CONFIG_INIT_STACKS */
	t->base.prio = (int8_t)prio;
	t->base.thread_state = _THREAD_QUEUED;
	t->stack_info.start = (uintptr_t)stack;
	t->stack_info.size = stack_size;
	t->arch.mode_exc_return = 0xFD;                 /* DEFAULT_EXC_RETURN: thread mode, PSP, basic frame */

	frame = (uint32_t *)(((uintptr_t)stack + stack_size) & ~7u) - 8;
	frame[0] = (uint32_t)entry;
	frame[1] = (uint32_t)p1;
	frame[2] = (uint32_t)p2;
	frame[3] = (uint32_t)p3;
	frame[4] = 0;
	frame[5] = 0;                                   /* lr: nothing to return to */
	frame[6] = (uint32_t)z_thread_entry & ~1u;
	frame[7] = 0x01000000;
	t->callee_saved.psp = (uint32_t)frame;

	lab_threads[lab_thread_count++] = t;
}

struct k_thread *next_ready(void)
{
	struct k_thread *best = NULL;

	for (unsigned int i = 0; i < lab_thread_count; i++) {
		struct k_thread *t = lab_threads[i];

		if ((t->base.thread_state & _THREAD_QUEUED) &&
		    (best == NULL || t->base.prio < best->base.prio)) {
			best = t;
		}
	}
	return best;
}

void k_sem_give(struct k_sem *s)
{
	unsigned int key = irq_lock();
	struct k_thread *best = NULL;

	for (unsigned int i = 0; i < lab_thread_count; i++) {
		struct k_thread *t = lab_threads[i];

		if (t->base.pended_on == s && (best == NULL || t->base.prio < best->base.prio)) {
			best = t;
		}
	}
	if (s->count < s->limit) {
		s->count++;
	}
	if (best != NULL) {
		best->base.pended_on = NULL;
		best->base.thread_state = _THREAD_QUEUED;
	}
	if (_kernel.cpus[0].nested != 0) {
		if (best != NULL) {
			SCB_ICSR = 1u << 28;
		}
		irq_unlock(key);
	} else {
		reschedule(key);
	}
}

void sys_clock_isr(void)
{
	int woke = 0;

	_kernel.ticks++;
	for (unsigned int i = 0; i < lab_thread_count; i++) {
		struct k_thread *t = lab_threads[i];

		if ((t->base.thread_state & _THREAD_SLEEPING) &&
		    (int32_t)(_kernel.ticks - t->base.wake_tick) >= 0) {
			t->base.thread_state = _THREAD_QUEUED;
			woke = 1;
		}
	}
	if (woke) {
		SCB_ICSR = 1u << 28;
	}
	crashlab_clock_tick(_kernel.ticks);
}

/* Zephyr 4.1 arch/arm/core/cortex_m/cpu_idle.c arch_cpu_idle() on ARMv7-M (no tracing, no idle hooks): PRIMASK set,
 * BASEPRI 0 so that any interrupt wakes the wfi, then PRIMASK cleared; the interrupt that woke the core is taken
 * right after cpsie, so the interrupted pc is the inlined __ISB(). */
void arch_cpu_idle(void)
{
	__disable_irq();
	__set_BASEPRI(0);
	__ISB();
	__DSB();
	__WFI();
	__enable_irq();
	__ISB();
}
#endif
