/* The lab "keyboard": ZMK-like threads with realistic RAM use, and the
 * crash scenarios. Function names are made up but shaped like ZMK code so
 * backtraces read like a keyboard's. */
#include <string.h>
#include "kernel.h"
#include "lab_config.h"

/* ---------------- RAM a BLE keyboard would use ---------------- */
struct zmk_behavior_binding {
	const char *behavior_dev;
	uint32_t param1;
	uint32_t param2;
};

struct behavior_driver_api {
	int (*binding_pressed)(struct zmk_behavior_binding *b, uint32_t pos);
	int (*binding_released)(struct zmk_behavior_binding *b, uint32_t pos);
};

/* .data: an initialised keymap */
struct zmk_behavior_binding zmk_keymap[2][42] = {
	[0] = {[0 ... 41] = {"key_press", 0x04, 0}},
	[1] = {[0 ... 41] = {"momentary_layer", 1, 0}},
};
uint32_t zmk_keymap_layer_state = 3;

/* .bss: buffers of the BLE and USB stacks */
uint8_t bt_rx_pool[18 * 1024];
uint8_t bt_tx_pool[8 * 1024];
uint8_t usb_hid_buf[4 * 1024] __attribute__((aligned(4)));
uint8_t log_msg_buf[4 * 1024];
uint8_t settings_cache[2 * 1024];
uint32_t kscan_matrix_state[8];
volatile uint32_t kscan_scan_count;
volatile float mouse_accel_state;
volatile uint32_t *volatile kscan_debounce_ptr;

/* stacks in .noinit; kscan's is first so that an overflow below its guard
 * lands in the tail of the (mostly unused) bt_rx_pool in .bss */
K_THREAD_STACK_DEFINE(a0_kscan_stack, 1536);
K_THREAD_STACK_DEFINE(a1_main_stack, 2048);
K_THREAD_STACK_DEFINE(a2_sysworkq_stack, 1024);
K_THREAD_STACK_DEFINE(a3_bt_rx_stack, 1536);
K_THREAD_STACK_DEFINE(a4_logging_stack, 768);
K_THREAD_STACK_DEFINE(a5_idle_stack, 320);
/* the system heap, after the stacks */
uint8_t __attribute__((section(".noinit.z_malloc_heap"), aligned(8))) z_malloc_heap[32 * 1024];
#ifndef LAB_ZMK_BUILD
struct k_thread kscan_thread_data, main_thread_data, sysworkq_thread_data,
	bt_rx_thread_data, logging_thread_data, idle_thread_data;
struct k_sem main_sem, sysworkq_sem, bt_rx_sem;
#endif
void crashlab_steady_state(void);

/* ---------------- the crash scenarios ---------------- */
static const struct behavior_driver_api *behavior_apis[4];
static struct zmk_behavior_binding *volatile hold_tap_pending;

static inline __attribute__((always_inline)) uint32_t binding_param(const struct zmk_behavior_binding *b)
{
	return b->param2;                               /* precise bus fault for bad b */
}

NOINLINE static int hold_tap_binding_pressed(struct zmk_behavior_binding *b, uint32_t position)
{
	uint32_t p = binding_param(b);

	kscan_matrix_state[position & 7] ^= p;
	return (int)p;
}

NOINLINE static int zmk_behavior_invoke_binding(struct zmk_behavior_binding *b, uint32_t position, int pressed)
{
	if (pressed) {
		return hold_tap_binding_pressed(b, position) + 1;
	}
	return 0;
}

static inline __attribute__((always_inline)) struct zmk_behavior_binding *keymap_binding(uint32_t layer, uint32_t position)
{
	if (layer == 1 && position == 17) {
		return hold_tap_pending;                        /* dangling pointer */
	}
	return &zmk_keymap[layer][position];
}

NOINLINE static int zmk_keymap_apply_position_state(uint32_t layer, uint32_t position, int pressed)
{
	return zmk_behavior_invoke_binding(keymap_binding(layer, position), position, pressed) + 2;
}

NOINLINE static int zmk_keymap_position_state_changed(uint32_t position, int pressed)
{
	int ret = 0;

	for (int layer = 1; layer >= 0; layer--) {
		if (zmk_keymap_layer_state & (1u << layer)) {
			ret += zmk_keymap_apply_position_state((uint32_t)layer, position, pressed);
		}
	}
	return ret;
}

#ifndef STACK_SCRATCH
#define STACK_SCRATCH 200
#endif
#ifndef STACK_DEPTH
#define STACK_DEPTH 12
#endif

/* the NULL function pointer: a behavior whose driver has no pressed() */
NOINLINE static int behavior_dispatch(struct zmk_behavior_binding *b, uint32_t pos)
{
	const struct behavior_driver_api *api = behavior_apis[pos & 3];

	return api->binding_pressed(b, pos) + 3;
}

/* stack overflow: render recursion with big scratch buffers */
NOINLINE static int display_render_widget(int depth, uint32_t seed)
{
	volatile uint8_t scratch[STACK_SCRATCH];

	for (int i = (int)sizeof(scratch) - 1; i >= 0; i--) {
		scratch[i] = (uint8_t)(seed + (uint32_t)i);
	}
	if (depth > 0) {
		return display_render_widget(depth - 1, seed * 3u + 1u) + scratch[depth];
	}
	return scratch[0];
}

NOINLINE static void split_central_notify(void *conn)
{
	if (conn == NULL) {
		printk("E: split: no connection for peripheral 0\n");
		k_oops();
	}
}

NOINLINE static __attribute__((noreturn)) void assert_post_action(const char *file, unsigned int line)
{
	(void)file;
	(void)line;
	k_panic();
}

#define __ASSERT(test, msg) do { \
	if (!(test)) { \
		printk("ASSERTION FAIL [%s] @ %s:%d\n", #test, __FILE__, __LINE__); \
		printk("\t%s\n", msg); \
		assert_post_action(__FILE__, __LINE__); \
	} \
} while (0)

NOINLINE static void zmk_keymap_layer_activate(uint32_t layer)
{
	__ASSERT(layer < 2, "layer out of range");
	zmk_keymap_layer_state |= 1u << layer;
}

volatile uint32_t hid_report_count;
NOINLINE static void hid_report_average(uint32_t total)
{
	uint32_t avg = total / hid_report_count;        /* count is 0: trap */

	usb_hid_buf[0] = (uint8_t)avg;
}

NOINLINE static uint32_t hid_read_le32(const uint8_t *p)
{
	return *(const volatile uint32_t *)p;           /* p is odd: trap */
}

NOINLINE static void zmk_ble_clear_bonds(void)
{
	__builtin_trap();                               /* undefined instruction */
}

NOINLINE static float mouse_apply_accel(float v)
{
	float a = v * 1.5f + mouse_accel_state;

	mouse_accel_state = a;
	kscan_matrix_state[1] = *kscan_debounce_ptr;    /* bus fault with FP context live */
	return a * 0.5f;
}

/* ---------------- interrupts ---------------- */
#define GPIOTE_IRQn 6
#define RADIO_IRQn  1

NOINLINE static void radio_event_process(uint32_t evt)
{
	kscan_matrix_state[2] = *(volatile uint32_t *)(evt | 0x5a5a5a58u);
}

static void radio_isr(const void *arg)
{
	radio_event_process((uint32_t)arg);
	kscan_matrix_state[3]++;
}

NOINLINE static void gpio_fire_callbacks(uint32_t pins)
{
#if SCENARIO_KIND == KIND_IRQ_NESTED
	NVIC_ISPR0 = 1u << RADIO_IRQn;                  /* higher priority: nests */
	__asm__ volatile("dsb; isb");
#else
	kscan_matrix_state[4] = *(volatile uint32_t *)(pins | 0x5a5a5a58u);
#endif
	kscan_matrix_state[5] = pins;
}

static void gpiote_event_handler(const void *arg)
{
	gpio_fire_callbacks((uint32_t)arg);
	kscan_matrix_state[6]++;
}

NOINLINE static void kscan_gpio_enable_interrupt(void)
{
	NVIC_ISPR0 = 1u << GPIOTE_IRQn;                 /* the pin interrupt fires now */
	__asm__ volatile("dsb; isb");
	kscan_matrix_state[7]++;
}

/* ---------------- kscan thread ---------------- */
NOINLINE static void kscan_matrix_read(uint32_t row)
{
	kscan_matrix_state[row & 7] = row * 0x01010101u;
	kscan_scan_count++;
}

NOINLINE static void crashlab_trigger(void)
{
#if SCENARIO_KIND == KIND_BUSFAULT || LAB_BONDS || SCENARIO_KIND == KIND_BUSFAULT_OTHER_SHIELD
	zmk_keymap_position_state_changed(17, 1);
#elif SCENARIO_KIND == KIND_IRQ || SCENARIO_KIND == KIND_IRQ_NESTED
	kscan_gpio_enable_interrupt();
#elif SCENARIO_KIND == KIND_FPU
	mouse_apply_accel((float)kscan_scan_count);
#elif SCENARIO_KIND == KIND_NULLPTR
	behavior_dispatch(&zmk_keymap[0][2], 2);
#elif SCENARIO_KIND == KIND_STACK_OVERFLOW
	LAB_RENDER(STACK_DEPTH, 7);
#elif SCENARIO_KIND == KIND_OOPS
	split_central_notify(NULL);
#elif SCENARIO_KIND == KIND_ASSERT
	zmk_keymap_layer_activate(kscan_scan_count);
#elif SCENARIO_KIND == KIND_DIV0
	crashlab_odd_stack_call(hid_report_average, 1000);
#elif SCENARIO_KIND == KIND_UNALIGNED
	SCB_CCR |= 1u << 3;                             /* UNALIGN_TRP from here on */
	kscan_matrix_state[0] = hid_read_le32(usb_hid_buf + 1);
#elif SCENARIO_KIND == KIND_UNDEF
	zmk_ble_clear_bonds();
#endif
	LAB_AFTER_TRIGGER();
}

static void kscan_thread(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	for (uint32_t row = 0;; row++) {
		k_sleep_ticks(1);
		kscan_matrix_read(row) CRASHLAB_VALUES_HOOK(row);
		if (row == 2) {
			crashlab_trigger();
		}
	}
}

/* ---------------- the other threads ---------------- */
NOINLINE static void bt_hci_recv_event(uint32_t n)
{
	memset(bt_rx_pool + (n % 16) * 1024, (int)(0x40 + n), 300);
}

static void bt_rx_thread(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	for (uint32_t n = 0;; n++) {
		k_sem_take_forever(&bt_rx_sem);
		bt_hci_recv_event(n);
	}
}

NOINLINE static void zmk_usb_hid_send_report(uint32_t n)
{
	memset(usb_hid_buf, (int)n, 64);
}

static void sysworkq_thread(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	for (uint32_t n = 1;; n++) {
		k_sem_take_forever(&sysworkq_sem);
		zmk_usb_hid_send_report(n);
	}
}

NOINLINE static void log_process(void)
{
	static const char msg[] = "<inf> zmk: Welcome to ZMK!";
#if SCENARIO_KIND == KIND_FPU
	/* the logging thread also holds an FP context when it is switched out */
	mouse_accel_state = mouse_accel_state * 0.25f + 2.0f;
#endif
	memcpy(log_msg_buf, msg, sizeof(msg));
}

static void logging_thread(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	for (;;) {
		log_process();
		k_sleep_ticks(1000);
	}
}
#ifndef LAB_ZMK_BUILD
static void idle(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	for (;;) {
		arch_cpu_idle();
	}
}
#endif
NOINLINE static void z_malloc_heap_init(void)
{
	uint32_t x = 0x1234567u;

	for (uint32_t i = 0; i < sizeof(z_malloc_heap); i += 4) {
		x = x * 1664525u + 1013904223u;                 /* "allocated" heap blocks */
		memcpy(z_malloc_heap + i, &x, 4);
	}
}

NOINLINE static void zmk_settings_load(void)
{
	for (uint32_t i = 0; i < sizeof(settings_cache); i++) {
		settings_cache[i] = (uint8_t)(i * 7u);
	}
	memset(bt_tx_pool, 0x11, 512);
}

int main(void)
{
	printk("*** Booting crash lab (ZMK-like, scenario %d) ***\n", SCENARIO_KIND);
	z_malloc_heap_init();
	zmk_settings_load(); LAB_BONDS_LOAD
	hold_tap_pending = (struct zmk_behavior_binding *)0x5a5a5a50u;   /* poisoned */
	kscan_debounce_ptr = (volatile uint32_t *)0x5a5a5a5cu;
	behavior_apis[0] = behavior_apis[1] = behavior_apis[3] = NULL;
	{
		static const struct behavior_driver_api no_pressed = {NULL, NULL};
		behavior_apis[2] = &no_pressed;
	}
	k_sem_give(&bt_rx_sem);
	k_sem_give(&sysworkq_sem);
	printk("<inf> zmk: Welcome to ZMK!\n");
	k_sem_take_forever(&main_sem);                      /* never given */
	return 0;
}

static void bg_thread_main(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	main();
}

void crashlab_steady_state(void)
{
	/* no-crash scenario: the harness stops here */
	kscan_matrix_state[0]++;
}

void crashlab_app_init(void)
{
	uint32_t shcsr = 0;

	k_sem_init(&main_sem, 0, 1);
	k_sem_init(&sysworkq_sem, 0, 1);
	k_sem_init(&bt_rx_sem, 0, 1);
	k_thread_create(&idle_thread_data, a5_idle_stack, sizeof(a5_idle_stack), idle,
			NULL, NULL, NULL, 15, "idle");
	_kernel.cpus[0].idle_thread = &idle_thread_data;
	k_thread_create(&logging_thread_data, a4_logging_stack, sizeof(a4_logging_stack),
			logging_thread, NULL, NULL, NULL, 14, "logging");
	k_thread_create(&kscan_thread_data, a0_kscan_stack + 32, sizeof(a0_kscan_stack) - 32,
			kscan_thread, NULL, NULL, NULL, 5, "kscan");
	k_thread_create(&main_thread_data, a1_main_stack, sizeof(a1_main_stack),
			bg_thread_main, NULL, NULL, NULL, 0, "main");
	k_thread_create(&sysworkq_thread_data, a2_sysworkq_stack, sizeof(a2_sysworkq_stack),
			sysworkq_thread, NULL, NULL, NULL, -1, "sysworkq");
	k_thread_create(&bt_rx_thread_data, a3_bt_rx_stack, sizeof(a3_bt_rx_stack),
			bt_rx_thread, NULL, NULL, NULL, -8, "BT RX");

	_sw_isr_table[GPIOTE_IRQn].isr = gpiote_event_handler;
	_sw_isr_table[GPIOTE_IRQn].arg = (const void *)0x4u;
	_sw_isr_table[RADIO_IRQn].isr = radio_isr;
	_sw_isr_table[RADIO_IRQn].arg = (const void *)0x8u;
	NVIC_IPR(GPIOTE_IRQn) = 0x40;
	NVIC_IPR(RADIO_IRQn) = 0x20;
	NVIC_ISER0 = (1u << GPIOTE_IRQn) | (1u << RADIO_IRQn);

#if !LAB_ESCALATE
	shcsr = (1u << 16) | (1u << 17) | (1u << 18);        /* MemManage, Bus, Usage enabled */
#endif
	SCB_SHCSR = shcsr;
	SCB_CCR |= (1u << 4) | LAB_CCR_EXTRA;                 /* DIV_0_TRP, as Zephyr does */

#if SCENARIO_KIND == KIND_STACK_OVERFLOW && !defined(LAB_ARMV8M_MAINLINE)
	/* CONFIG_MPU_STACK_GUARD: 32-byte no-access region below kscan's stack */
	MPU_RNR = 0;
	MPU_RBAR = (uint32_t)a0_kscan_stack;
	MPU_RASR = (1u << 28) | (0u << 24) | (4u << 1) | 1u; /* XN, AP none, 32 bytes, on */
	MPU_CTRL = (1u << 2) | 1u;                           /* PRIVDEFENA | ENABLE */
	__asm__ volatile("dsb; isb");
#endif
}

#if SCENARIO_KIND == KIND_VALUES
/* Values: a Bluetooth controller's prepare path shaped like Zephyr's lll_prepare_resolve (subsys/bluetooth/
 * controller/ll_sw/lll.c), with typed arguments and locals: function pointers, a uint8_t, a bool, a struct with
 * bit-fields and an enum, a char array, a static local, and a connection name kept in a heap block that lies past
 * the cut of a truncated LINKER_RAM dump (and outside a MIN dump). */
enum lll_state { LLL_STATE_IDLE, LLL_STATE_PREPARE, LLL_STATE_ACTIVE };
struct lll_prepare_param {
	uint32_t ticks_at_expire;
	uint16_t lazy;
	uint8_t force : 1;
	uint8_t defer : 1;
	enum lll_state state;
	void *param;
};
typedef int (*lll_is_abort_cb_t)(void *next, void *curr, struct lll_prepare_param *p);
typedef int (*lll_prepare_cb_t)(struct lll_prepare_param *p);
struct lll_event {
	struct lll_prepare_param prepare_param;
	lll_prepare_cb_t prepare_cb;
	uint8_t is_aborted;
};
struct lll_event lll_events[2];
uint8_t buffer_mem_tx[1024];
/* the connection's name, in a heap block near the heap's end */
#define CONN_NAME ((char *)(z_malloc_heap + sizeof(z_malloc_heap) - 64))

NOINLINE static int prepare_cb(struct lll_prepare_param *p)
{
	return (int)p->lazy;
}

NOINLINE static int lll_prepare_resolve(lll_is_abort_cb_t is_abort_cb, lll_prepare_cb_t prepare_cb,
					struct lll_prepare_param *prepare_param, uint8_t is_resume, bool is_dequeue,
					const char *conn_name)
{
	struct lll_event *e = &lll_events[is_resume & 1];
	char tag[8] = "ev";

	e->prepare_param = *prepare_param;
	e->prepare_cb = prepare_cb;
	e->is_aborted = is_dequeue;
	if (is_abort_cb != NULL || conn_name == NULL) {
		return -1;
	}
	/* bus fault: the event's param is a poisoned pointer */
	return e->prepare_cb(&e->prepare_param) + tag[is_resume & 7] + (int)*(volatile uint32_t *)prepare_param->param;
}

NOINLINE static int ull_prepare_enqueue(uint32_t ticks)
{
	static uint32_t enqueue_count;
	struct lll_prepare_param p = {
		.ticks_at_expire = ticks, .lazy = 3, .force = 1, .defer = 0, .state = LLL_STATE_PREPARE,
		.param = (void *)0x5a5a5a5cu,
	};
	bool resume = false;

	enqueue_count++;
	memcpy(CONN_NAME, "Corne Left", 11);
	return lll_prepare_resolve(NULL, prepare_cb, &p, 0, resume, CONN_NAME) + (int)enqueue_count;
}

/* the values scenario's crash, on kscan's third wake-up (from kscan_thread, before crashlab_trigger) */
void crashlab_values_check(uint32_t row)
{
	if (row == 2) {
		ull_prepare_enqueue(kscan_scan_count);
	}
}
#endif

#ifdef LAB_ZMK_BUILD
/* ---------------- a ZMK-like build's thread objects (kernel_zmk.h) ---------------- */
struct k_thread z_idle_threads[1];
struct k_thread z_main_thread;
struct k_work_q k_sys_work_q;
struct k_thread _k_thread_obj_kscan;
struct k_thread recv_thread_data;
struct k_thread logging_thread_obj;
struct k_sem main_sem, sysworkq_sem, bt_rx_sem;

/* Zephyr 4.1 include/zephyr/kernel.h k_cpu_idle() */
static inline void k_cpu_idle(void)
{
	arch_cpu_idle();
}

/* Zephyr kernel/idle.c idle() (no PM, no SMP): lock interrupts, then k_cpu_idle(), which unlocks them */
void idle(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	for (;;) {
		(void)irq_lock();
		k_cpu_idle();
	}
}

#if SCENARIO_KIND == KIND_IDLE_IRQ
/* The Bluetooth controller's lower link layer runs in a software interrupt (nRF52840 SWI4_EGU4, IRQ 24) that its
 * ticker pends. Here its mayfly queue holds a stale pointer, so the SWI handler faults. */
#define SWI_LLL_IRQn 24

NOINLINE static void mayfly_run(uint32_t caller_id)
{
	kscan_matrix_state[caller_id & 7] = *(volatile uint32_t *)((uint32_t)hold_tap_pending | 0x8u);
}

/* built with a frame pointer (as -O0 code or -fno-omit-frame-pointer builds are): its CFA is r7-based, so a debugger
 * needs r7 here, which the dump does not record (CONFIG_EXTRA_EXCEPTION_INFO off) */
__attribute__((optimize("no-omit-frame-pointer")))
static void swi_lll_nrf5_isr(const void *arg)
{
	volatile uint8_t pdu[8];

	pdu[0] = (uint8_t)(uint32_t)arg;
	mayfly_run((uint32_t)arg);
	kscan_matrix_state[3] += pdu[0];
}
#endif

/* called by sys_clock_isr on every tick */
void crashlab_clock_tick(uint32_t ticks)
{
#if SCENARIO_KIND == KIND_IDLE_IRQ
	/* once kscan has scanned its rows and every thread waits: the ticker pends the LLL interrupt, at a lower
	 * priority than SysTick, so it runs when SysTick returns, with the idle thread interrupted in arch_cpu_idle */
	if (kscan_scan_count >= 4 && _current == _kernel.cpus[0].idle_thread) {
		_sw_isr_table[SWI_LLL_IRQn].isr = swi_lll_nrf5_isr;
		_sw_isr_table[SWI_LLL_IRQn].arg = (const void *)0x2u;
		NVIC_IPR(SWI_LLL_IRQn) = 0xA0;
		NVIC_ISER0 = 1u << SWI_LLL_IRQn;
		NVIC_ISPR0 = 1u << SWI_LLL_IRQn;
	}
#else
	(void)ticks;
#endif
}
#endif
