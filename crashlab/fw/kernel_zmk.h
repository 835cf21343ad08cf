/* The kernel structures of a ZMK-like build (LAB_ZMK_BUILD), included at the end of kernel.h instead of the lab's
 * default ones. Kconfig as ZMK builds an nRF52840 board: CONFIG_THREAD_MONITOR=n (no entry, next_thread, or
 * _kernel.threads), CONFIG_THREAD_NAME=n (no name), CONFIG_DEBUG_THREAD_INFO=n (no _kernel_thread_info_offsets),
 * CONFIG_THREAD_STACK_INFO=y (stack_info, needed by the MPU stack guard), CONFIG_FPU_SHARING and
 * CONFIG_ARM_STORE_EXC_RETURN=y. Members, their order and the anonymous unions follow Zephyr 4.1:
 * include/zephyr/kernel/thread.h (struct _thread_base, struct k_thread), include/zephyr/arch/arm/thread.h
 * (struct _callee_saved, struct _thread_arch), include/zephyr/kernel_structs.h (struct _cpu, struct z_kernel).
 * An analyzer finds the threads of such a build only through DWARF: the objects' types and names. */
#ifndef CRASHLAB_KERNEL_ZMK_H
#define CRASHLAB_KERNEL_ZMK_H

/* include/zephyr/kernel_structs.h in 4.1: a sleeping thread has bit 2 (the lab's default kernel uses 0x40) */
#undef _THREAD_SLEEPING
#define _THREAD_SLEEPING 0x04

typedef struct _dnode {
	struct _dnode *next;
	struct _dnode *prev;
} sys_dnode_t;
typedef sys_dnode_t sys_dlist_t;

struct rbnode {
	struct rbnode *children[2];
};

struct _thread_base {
	union {
		sys_dnode_t qnode_dlist;
		struct rbnode qnode_rb;
	};
	void *pended_on;
	uint16_t user_options;
	union {
		struct {
			int8_t prio;
			uint8_t sched_locked;
		};
		uint16_t preempt;
	};
	uint8_t thread_state;
	void *swap_data;
	uint32_t wake_tick;                /* lab: stands for struct _timeout timeout */
};

struct _callee_saved {
	uint32_t v1, v2, v3, v4, v5, v6, v7, v8;   /* r4..r11 */
	uint32_t psp;
};

struct _thread_stack_info {
	uintptr_t start;
	size_t size;
	size_t delta;
};

struct _preempt_float {
	float s16, s17, s18, s19, s20, s21, s22, s23;
	float s24, s25, s26, s27, s28, s29, s30, s31;
};

struct _thread_arch {
	uint32_t basepri;
	uint32_t swap_return_value;
	struct _preempt_float preempt_float;
	union {
		uint32_t mode;
		struct __attribute__((packed)) {
			uint8_t mode_bits;
			uint8_t mode_exc_return;
			uint16_t mode_reserved2;
		};
	};
};

struct k_thread {
	struct _thread_base base;
	struct _callee_saved callee_saved;
	void *init_data;
	sys_dlist_t join_queue;
	struct _thread_stack_info stack_info;
	void *resource_pool;
	struct _thread_arch arch;
};

struct _cpu {
	uint32_t nested;
	char *irq_stack;
	struct k_thread *current;
	struct k_thread *idle_thread;
};

struct _ready_q {
	struct k_thread *cache;
	sys_dlist_t runq;
};

struct z_kernel {
	struct _cpu cpus[1];
	struct _ready_q ready_q;
	uint32_t ticks;                    /* lab: Zephyr counts ticks in kernel/timeout.c */
};
#define ready_q_cache ready_q.cache

/* kernel/system_work_q.c: the system work queue's thread is a member of k_sys_work_q */
struct k_work_q {
	struct k_thread thread;
	void *pending;
	sys_dlist_t notifyq;
	sys_dlist_t drainq;
	uint32_t flags;
};

/* The thread objects as Zephyr and ZMK name them (defined in app.c); the lab's code uses its own names for them. */
extern struct k_thread z_idle_threads[1];      /* kernel/init.c */
extern struct k_thread z_main_thread;          /* kernel/init.c */
extern struct k_work_q k_sys_work_q;           /* kernel/system_work_q.c */
extern struct k_thread _k_thread_obj_kscan;    /* K_THREAD_DEFINE(kscan, ...) */
extern struct k_thread recv_thread_data;       /* the Bluetooth receive thread */
extern struct k_thread logging_thread_obj;     /* the logging thread (Zephyr: static in subsys/logging) */
extern struct k_thread _thread_dummy;          /* kernel/init.c: the boot context before the first switch */
#define idle_thread_data z_idle_threads[0]
#define main_thread_data z_main_thread
#define sysworkq_thread_data k_sys_work_q.thread
#define kscan_thread_data _k_thread_obj_kscan
#define bt_rx_thread_data recv_thread_data
#define logging_thread_data logging_thread_obj
#define z_dummy_thread _thread_dummy
extern struct k_sem main_sem, sysworkq_sem, bt_rx_sem;

/* defined at the ends of kernel.c, app.c and fault.c */
struct k_thread *next_ready(void);
void idle(void *p1, void *p2, void *p3);
void crashlab_clock_tick(uint32_t ticks);
struct arch_esf;
__attribute__((noreturn)) void z_fatal_error(unsigned int reason, const struct arch_esf *esf);

#endif
