/* Kinds 80-89: a function whose stack pointer moves after its prologue by an amount computed at run time.
 *
 * Zephyr's logging core creates a message at run time in z_log_msg_runtime_vcreate() (subsys/logging/log_msg.c):
 * it measures the cbprintf package, returns early when it is too long, and in immediate mode
 * (CONFIG_LOG_MODE_IMMEDIATE) puts the message on the stack with `msg = alloca(msg_wlen * sizeof(int))`, then
 * fills and commits it; z_log_msg_commit() (log_core.c) → msg_commit() → msg_process() hands it to the backends at
 * once, which format it. GCC gives such a function a frame pointer (r7 on Thumb), describes its CFA by r7 in
 * .debug_frame (DW_CFA_def_cfa_register r7), and moves sp by the computed amount (`sub sp, sp, rN`) after the early
 * return's branch. ZMK's keymap reaches it through LOG_DBG() in zmk_keymap_apply_position_state() (app/src/keymap.c:
 * "layer_id: %d position: %d, binding name: %s", binding->behavior_dev).
 *
 * KIND_VLA_CALLEE (80): the binding's behavior_dev is a stale pointer; the backend's formatting of "%s" reads through
 *   it: a bus fault in log_output_msg_process, three calls below the alloca function.
 * KIND_VLA_SELF (81): a hexdump of the binding (LOG_HEXDUMP_DBG, data copied into the message) through the stale
 *   binding pointer: z_log_msg_finalize is inlined into z_log_msg_runtime_vcreate, so the bus fault is in the alloca
 *   function's own frame, after sp moved.
 * Built at the scenario's -O (-Og); the no-CFI scenarios build this file with -g0 (no .debug_frame for it). */
#include <stdarg.h>
#include <stddef.h>
#include "kernel.h"
#include "lab_config.h"

#if SCENARIO_KIND == KIND_VLA_CALLEE || SCENARIO_KIND == KIND_VLA_SELF
extern uint32_t kscan_matrix_state[8];
extern volatile uint32_t kscan_scan_count;

#define LOG_LEVEL_DBG 4
#define Z_LOG_MSG_MAX_PACKAGE 2047            /* the lab's limit (Zephyr: the descriptor's package_len field) */

struct log_msg_desc {                         /* include/zephyr/logging/log_msg.h (32 bits) */
	uint32_t valid : 1;
	uint32_t busy : 1;
	uint32_t type : 1;
	uint32_t domain : 3;
	uint32_t level : 3;
	uint32_t package_len : 11;
	uint32_t data_len : 12;
};

struct log_msg_hdr {
	struct log_msg_desc desc;
	const void *source;
	uint32_t timestamp;
};

struct log_msg {
	struct log_msg_hdr hdr;
	uint8_t data[];                       /* the cbprintf package, then the hexdump data */
};

struct log_source_const_data {
	const char *name;
	uint8_t level;
};

struct zmk_behavior_binding {
	const char *behavior_dev;
	uint32_t param1;
	uint32_t param2;
};

/* words of a message with plen package bytes and dlen data bytes, 8-byte aligned (Z_LOG_MSG_ALIGNED_WLEN) */
#define Z_LOG_MSG_ALIGNED_WLEN(plen, dlen) \
	((((sizeof(struct log_msg_hdr) + (plen) + (dlen)) + 7u) & ~7u) / sizeof(uint32_t))

static const struct log_source_const_data log_const_zmk = {"zmk", LOG_LEVEL_DBG};
static uint32_t log_timestamp;
static char log_output_buf[64];
static uint32_t log_output_len;

/* the keymap: the binding at layer 1, position 17 was freed and its memory reused (poisoned) */
static struct zmk_behavior_binding zmk_keymap_layer0[18];
#if SCENARIO_KIND == KIND_VLA_CALLEE
static struct zmk_behavior_binding zmk_keymap_layer1_17 = {(const char *)0x5a5a5a50u, 0x04, 0};
#else
static struct zmk_behavior_binding zmk_keymap_layer1_17 = {"key_press", 0x04, 0};
/* the event's previous binding, freed and poisoned: the hexdump copies from it */
static const struct zmk_behavior_binding *volatile zmk_keymap_stale = (const struct zmk_behavior_binding *)0x5a5a5a40u;
#endif

/* lib/os/cbprintf_packaged.c cbvprintf_package(): measures (packaged == NULL) or writes the package: a header word,
 * the format pointer, one word per conversion (the lab keeps "%s" arguments as pointers, as read-only strings) */
NOINLINE static int cbvprintf_package(void *packaged, size_t len, uint32_t flags, const char *fmt, va_list ap)
{
	uint32_t *out = packaged;
	size_t words = 2;

	for (const char *f = fmt; *f != '\0'; f++) {
		if (f[0] == '%' && f[1] != '\0' && f[1] != '%') {
			uint32_t arg = va_arg(ap, uint32_t);

			if (out != NULL && words * 4 < len) {
				out[words] = arg;
			}
			words++;
			f++;
		}
	}
	if (out != NULL) {
		out[0] = (uint32_t)(words | flags << 16);
		out[1] = (uint32_t)(uintptr_t)fmt;
	}
	return (int)(words * 4);
}

/* log_output.c log_output_msg_process(): the backend formats the message at once (immediate mode) */
NOINLINE static void log_output_msg_process(const struct log_msg *msg)
{
	const uint32_t *pkg = (const uint32_t *)msg->data;
	const char *fmt = (const char *)(uintptr_t)pkg[1];
	uint32_t arg = 2;

	log_output_len = 0;
	for (const char *f = fmt; *f != '\0' && log_output_len < sizeof(log_output_buf) - 1; f++) {
		if (f[0] == '%' && f[1] == 's') {
			for (const char *s = (const char *)(uintptr_t)pkg[arg++]; *s != '\0'; s++) {   /* bus fault */
				log_output_buf[log_output_len++ & 63] = *s;
			}
			f++;
		} else if (f[0] == '%' && f[1] != '\0') {
			log_output_buf[log_output_len++] = (char)('0' + (pkg[arg++] % 10));
			f++;
		} else {
			log_output_buf[log_output_len++] = *f;
		}
	}
	log_output_buf[log_output_len] = '\0';
	kscan_matrix_state[6] = log_output_len;
}

/* log_core.c msg_process(): every active backend processes the message (the lab has one) */
NOINLINE static void msg_process(struct log_msg *msg)
{
	log_output_msg_process(msg);
}

/* log_core.c z_log_msg_commit(): timestamp, then msg_commit(), which in immediate mode calls msg_process() */
NOINLINE void z_log_msg_commit(struct log_msg *msg)
{
	msg->hdr.timestamp = ++log_timestamp;
	msg_process(msg);
}

#if SCENARIO_KIND == KIND_VLA_SELF
#define LAB_FINALIZE static inline __attribute__((always_inline))
#else
#define LAB_FINALIZE NOINLINE
#endif

/* log_msg.c z_log_msg_finalize(): copy the hexdump data behind the package, fill the header, commit */
LAB_FINALIZE void z_log_msg_finalize(struct log_msg *msg, const void *source, const struct log_msg_desc desc,
				     const void *data)
{
	if (data) {
		uint8_t *d = msg->data + desc.package_len;
		const uint8_t *s = data;

		for (uint32_t i = 0; i < desc.data_len; i++) {
			d[i] = s[i];                  /* KIND_VLA_SELF: bus fault */
		}
	}
	msg->hdr.desc = desc;
	msg->hdr.source = source;
	z_log_msg_commit(msg);
}

/* log_msg.c z_log_msg_runtime_vcreate(), the immediate-mode branch (not user context, not deferred) */
NOINLINE void z_log_msg_runtime_vcreate(uint8_t domain_id, const void *source, uint8_t level, const void *data,
					size_t dlen, uint32_t package_flags, const char *fmt, va_list ap)
{
	int plen;

	if (fmt) {
		va_list ap2;

		va_copy(ap2, ap);
		plen = cbvprintf_package(NULL, 0, package_flags, fmt, ap2);
		va_end(ap2);
	} else {
		plen = 0;
	}

	if (plen > Z_LOG_MSG_MAX_PACKAGE) {
		kscan_matrix_state[5]++;              /* Zephyr: LOG_WRN("Message dropped ...") */
		return;
	}

	size_t msg_wlen = Z_LOG_MSG_ALIGNED_WLEN(plen, dlen);
	struct log_msg *msg;
	uint8_t *pkg;
	struct log_msg_desc desc = {.valid = 0, .busy = 0, .type = 0, .domain = domain_id, .level = level,
				    .package_len = (uint32_t)plen, .data_len = (uint32_t)dlen};

	__asm__ volatile("" ::: "memory");        /* compiler_barrier() */
	msg = __builtin_alloca(msg_wlen * sizeof(int));
	pkg = msg->data;

	if (pkg && fmt) {
		plen = cbvprintf_package(pkg, (size_t)plen, package_flags, fmt, ap);
	}
	__asm__ volatile("" ::: "memory");
	z_log_msg_finalize(msg, source, desc, data);
}

/* include/zephyr/logging/log_msg.h z_log_msg_runtime_create(): a variadic wrapper (never inlined: it uses va_start) */
static void z_log_msg_runtime_create(uint8_t domain_id, const void *source, uint8_t level, const void *data,
				     size_t dlen, uint32_t package_flags, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	z_log_msg_runtime_vcreate(domain_id, source, level, data, dlen, package_flags, fmt, ap);
	va_end(ap);
}

#define LOG_DBG(...) z_log_msg_runtime_create(0, &log_const_zmk, LOG_LEVEL_DBG, NULL, 0, 0, __VA_ARGS__)
#define LOG_HEXDUMP_DBG(data, len, str) z_log_msg_runtime_create(0, &log_const_zmk, LOG_LEVEL_DBG, data, len, 0, str)

/* app/src/keymap.c zmk_keymap_apply_position_state(): the debug log of the binding, then the behavior */
NOINLINE int zmk_keymap_apply_position_state(uint8_t source, uint8_t layer_id, uint32_t position, int pressed)
{
	const struct zmk_behavior_binding *binding =
		layer_id == 0 ? &zmk_keymap_layer0[position % 18] : &zmk_keymap_layer1_17;

	LOG_DBG("layer_id: %d position: %d, binding name: %s", layer_id, position, binding->behavior_dev);
#if SCENARIO_KIND == KIND_VLA_SELF
	LOG_HEXDUMP_DBG(zmk_keymap_stale, (size_t)(kscan_scan_count % 5 + 9), "previous binding");
#endif
	kscan_matrix_state[source & 7] += pressed;
	return 0;
}

void lab_vla_trigger(void)
{
	zmk_keymap_apply_position_state(0, 1, 17, 1);
}
#endif
